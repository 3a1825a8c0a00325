/**
 * The diff's capacity and cost lines on the real prod plan, as a pull request moves hosts.
 */
import { beforeAll, expect, it } from "vitest";
import { diffPlans, PlanJson } from "../../../tools/diff/planDiff";
import { renderDiff } from "../../../tools/diff/render";
import { resourceTypes } from "../../../models/resourceTypes";
import { runPlan } from "../../support/runPlan";

let prod: PlanJson;

beforeAll(() => {
  const run = runPlan(["--stack", "prod"]);
  expect(run.code).toBe(0);
  prod = run.json as unknown as PlanJson;
}, 60_000);

it("shows the cost delta with its date and assumptions, and the hosts that moved", () => {
  const head = structuredClone(prod);
  const group = head.resources.find((r) => r.type === resourceTypes.autoscalingGroup && r.region === "us-east-1")!;
  group.inputs.minSize = 6;
  const markdown = renderDiff(diffPlans(prod, head), "markdown");
  // 3 more c6i.xlarge hosts ($372); the hosts have no public IPv4 address to pay for.
  expect(markdown).toMatch(/- cost: \+\$372\/month \(\+\d+%\) \(\$[\d,]+ → \$[\d,]+; list prices of \d{4}-\d{2}-\d{2}, on-demand/);
  expect(markdown).toContain("us-east-1 3–12 × c6i.xlarge → 6–12 × c6i.xlarge");
  expect(markdown).toContain("eu-west-1 3–12 × c6i.xlarge;");
  expect(markdown).toMatch(/with the largest region lost: \d+ events\/s \(\S+ lost\)/);
  // The regions whose host rates no stored source gives are named, not priced silently.
  expect(markdown).toMatch(/\$[\d,]+ of it at rates no source confirms \(us-east-1's × a guessed factor\): [^\n]*c6i\.xlarge hours in eu-west-1/);
});

it("shows a region removed: cost down, its hosts gone, less capacity with a region lost", () => {
  const head = structuredClone(prod);
  head.resources = head.resources.filter((r) => r.region !== "eu-west-1");
  const text = renderDiff(diffPlans(prod, head), "text");
  expect(text).toMatch(/cost: -\$\d+\/month \(-\d+%\)/);
  expect(text).toContain("eu-west-1 3–12 × c6i.xlarge → none");
  expect(text).toMatch(/with the largest region lost: (\d+) events\/s \(\S+ lost\) → (\d+) events\/s/);
  const [, before, after] = /with the largest region lost: (\d+) events\/s \(\S+ lost\) → (\d+) events\/s/.exec(text)!;
  expect(Number(after)).toBeLessThan(Number(before));
});
