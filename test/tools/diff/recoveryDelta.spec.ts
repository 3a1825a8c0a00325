import { describe, expect, it } from "vitest";
import { diffPlans, PlanJson } from "../../../tools/diff/planDiff";
import { renderDiff } from "../../../tools/diff/render";
import { recoveryReport } from "../../../models/recovery";
import { sampleResources } from "../../models/recovery/fixtures";

/** A plan JSON of the one-region recovery sample, the failover record's TTL as given; `recorded` writes the figures as the plan does. */
function plan(ttl: number, recorded: boolean): PlanJson {
  const resources = sampleResources().map((r) => ({
    urn: r.urn,
    type: r.type,
    name: r.urn.slice(r.urn.lastIndexOf("::") + 2),
    parent: "",
    custom: true,
    region: null,
    inputs: r.urn.endsWith("::a-api-us-east-1") ? { ...r.inputs, ttl } : r.inputs,
    dependencies: r.dependencies ?? [],
  }));
  return { stack: "prod", resources, violations: [], ...(recorded ? { recovery: recoveryReport(resources) } : {}) };
}

describe("npm run diff: recovery time", () => {
  it("calls out a TTL that lengthens a region's recovery 96 s → 336 s as a risk", () => {
    const diff = diffPlans(plan(60, true), plan(300, true));
    // Spools that fill take the same way out of the answers as a lost region: one change, both modes.
    const dominant = "resolvers drop the cached answer (aws:route53/record:Record a-api-us-east-1 ttl=300)";
    expect(diff.recovery).toEqual([{ mode: "regionLost", modes: ["regionLost", "spoolFull"], scope: "us-east-1", before: 96, after: 336, dominant }]);
    expect(diff.risks.filter((r) => r.kind === "recovery-lengthened").map((r) => r.message)).toEqual([
      `when a region is lost or the spools fill (datastore down too long) (us-east-1), traffic is served again after 336 s, was 96 s (+240 s); dominant term: ${dominant}`,
    ]);
    const markdown = renderDiff(diff, "markdown");
    expect(markdown).toContain("#### Recovery time");
    expect(markdown).toContain("- a region is lost or the spools fill (datastore down too long) (us-east-1): 96 s → 336 s (+240 s); dominant: resolvers drop the cached answer");
    expect(renderDiff(diff, "text")).toContain("  a region is lost or the spools fill (datastore down too long) (us-east-1): 96 s → 336 s (+240 s)");
  });

  it("shows a shortened recovery without calling it a risk", () => {
    const diff = diffPlans(plan(300, true), plan(60, true));
    expect(diff.recovery.map((d) => [d.before, d.after])).toEqual([[336, 96]]);
    expect(diff.risks.some((r) => r.kind === "recovery-lengthened")).toBe(false);
  });

  it("computes both sides from their resources, also a base plan written before the figures were recorded", () => {
    expect(diffPlans(plan(60, false), plan(300, true)).recovery.map((d) => [d.mode, d.before, d.after])).toEqual([["regionLost", 96, 336]]);
  });
});
