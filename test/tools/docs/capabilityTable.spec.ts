import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { withCapabilityTable } from "../../../tools/docs/capabilityTable";
import { projectRoot } from "../../support/runPlan";

describe("README DNS capability matrix", () => {
  it("is the one generated from models/dns/providers.ts (run `npm run docs` after changing it)", () => {
    const readme = readFileSync(join(projectRoot, "README.md"), "utf8");
    expect(readme).toBe(withCapabilityTable(readme));
    expect(readme).toContain("| CNAME at the zone apex | no: a CNAME cannot sit at the zone apex");
    expect(readme).toContain("| TTL accepted (s) | 0 to 2,147,483,647 | 60 to 86,400 |");
  });
});
