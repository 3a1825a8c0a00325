import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { packEntries } from "../../../policies/pack";
import { withPolicyTables, policyTablePath } from "../../../tools/docs/policyTable";
import { projectRoot } from "../../support/runPlan";

describe("docs/reference/policies.md policy and waiver tables", () => {
  it("are the ones generated from the pack and the waiver list (run `npm run docs` after changing policies/pack.ts or policies/waivers.ts)", () => {
    const page = readFileSync(policyTablePath, "utf8");
    expect(page).toBe(withPolicyTables(page));
    expect(page).toContain("| `configure-listener-tls` | Load balancer listeners terminate TLS");
    expect(page).toContain("| `cdn-legacy-logging` | `CloudFront.5`");
  });

  it("name only controls that the policy's own file names (its doc comment or its messages)", () => {
    const areas = readdirSync(join(projectRoot, "policies"), { withFileTypes: true }).filter((d) => d.isDirectory() && !["config", "node_modules", "dist"].includes(d.name));
    const files = areas.flatMap((d) => readdirSync(join(projectRoot, "policies", d.name)).map((f) => readFileSync(join(projectRoot, "policies", d.name, f), "utf8")));
    for (const { policy, controls } of packEntries) {
      const own = files.filter((text) => text.includes(`name: "${policy.name}"`) || text.includes(`policyName = "${policy.name}"`));
      expect(own, `${policy.name}: one file declares it`).toHaveLength(1);
      for (const control of controls) expect(own[0], `${policy.name} names ${control}`).toContain(control);
      expect(new Set(controls).size, policy.name).toBe(controls.length);
    }
  });
});
