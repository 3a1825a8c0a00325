import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { withCapabilityTable, capabilityTablePath } from "../../../tools/docs/capabilityTable";

describe("docs/reference/dns-capabilities.md provider matrix", () => {
  it("is the one generated from models/dns/providers.ts (run `npm run docs` after changing it)", () => {
    const page = readFileSync(capabilityTablePath, "utf8");
    expect(page).toBe(withCapabilityTable(page));
    expect(page).toContain("| CNAME at the zone apex | no: a CNAME cannot sit at the zone apex");
    expect(page).toContain("| TTL accepted (s) | 0 to 2,147,483,647 | 60 to 86,400 |");
  });
});
