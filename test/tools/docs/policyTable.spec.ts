import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { policyDocs, policyDocsPath, policyTablePath, withPolicyTables } from "../../../tools/docs/policyTable";
import { projectRoot } from "../../support/runPlan";

describe("docs/reference/policies.md policy and waiver tables, and docs/policies.md", () => {
  it("are the ones generated from the pack, its metadata and the waiver list (run `npm run docs` after changing policies/)", () => {
    const page = readFileSync(policyTablePath, "utf8");
    expect(page).toBe(withPolicyTables(page));
    expect(page).toContain("| [`configure-listener-tls`](../policies.md#configure-listener-tls) | Load balancer listeners terminate TLS");
    expect(page).toContain("| `cdn-legacy-logging` | `CloudFront.5`");
    expect(readFileSync(join(projectRoot, policyDocsPath), "utf8")).toBe(policyDocs());
  });
});
