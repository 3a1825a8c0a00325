import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { withConfigTable } from "../../../tools/docs/configTable";
import { projectRoot } from "../../support/runPlan";

describe("README config table", () => {
  it("is the one generated from the schema (run `npm run docs` after changing stacks/schema.ts)", () => {
    const readme = readFileSync(join(projectRoot, "README.md"), "utf8");
    expect(readme).toBe(withConfigTable(readme));
    expect(readme).toContain("| `edge:dns.secondary.accountId` | string | yes |");
  });
});
