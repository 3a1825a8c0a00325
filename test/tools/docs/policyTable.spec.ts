import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { policyDocs, policyDocsPath, withPolicyTables } from "../../../tools/docs/policyTable";
import { projectRoot } from "../../support/runPlan";

describe("README policy and waiver tables, and docs/policies.md", () => {
  it("are the ones generated from the pack, its metadata and the waiver list (run `npm run docs` after changing policies/)", () => {
    const readme = readFileSync(join(projectRoot, "README.md"), "utf8");
    expect(readme).toBe(withPolicyTables(readme));
    expect(readme).toContain("| [`configure-listener-tls`](docs/policies.md#configure-listener-tls) | Load balancer listeners terminate TLS");
    expect(readme).toContain("| `cdn-legacy-logging` | `CloudFront.5`");
    expect(readFileSync(join(projectRoot, policyDocsPath), "utf8")).toBe(policyDocs());
  });
});
