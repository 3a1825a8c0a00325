/**
 * Plans of the shipped stacks for the network tests, and the mutations they judge: a plan's
 * resources with one dropped or changed, as the reachability model, the policies and the pack see
 * them. `EDGE_NETWORK_PLAN_<STACK>` (a path to a `--json` plan) judges another plan instead, e.g.
 * one written by an older commit of the program.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { runPolicyPack, type PolicyRun } from "../../tools/plan/analyzer";
import type { PlannedResource } from "../../tools/plan/evaluate";
import type { PlanJson, PlanJsonResource } from "../../tools/plan/planJson";
import { projectRoot, runPlan } from "./runPlan";
import type { Subject } from "../policies/harness";

/** The `--json` plan of a shipped stack (or the file the environment names). */
export function shippedPlan(stack: "dev" | "prod"): PlanJson {
  const file = process.env[`EDGE_NETWORK_PLAN_${stack.toUpperCase()}`];
  if (file) return JSON.parse(readFileSync(file, "utf8")) as PlanJson;
  const run = runPlan(["--stack", stack]);
  if (!run.json) throw new Error(`the plan of ${stack} wrote no JSON (exit ${run.code}): ${run.stderr}`);
  return run.json;
}

/** The plan with the resources `drop` names removed and `change` applied to the rest (each on a copy). */
export function mutated(plan: PlanJson, drop: (r: PlanJsonResource) => boolean, change: (r: PlanJsonResource) => void = () => undefined): PlanJson {
  const resources = plan.resources
    .filter((r) => !drop(r))
    .map((r) => {
      const copy = JSON.parse(JSON.stringify(r)) as PlanJsonResource;
      change(copy);
      return copy;
    });
  return { ...plan, resources };
}

/** The plan's resources as stack policy subjects (the harness's shape): declared inputs, property dependencies by URN. */
export function subjects(plan: PlanJson): Subject[] {
  const urns = new Set(plan.resources.map((r) => r.urn));
  return plan.resources.map((r) => ({
    type: r.type,
    name: r.name,
    urn: r.urn,
    props: { ...r.inputs, ...(r.region ? { region: r.region } : {}) },
    propertyDependencies: Object.fromEntries(Object.entries(r.propertyDependencies ?? {}).map(([key, deps]) => [key, deps.filter((u) => urns.has(u))])),
  }));
}

/** The plan's resources as the offline plan hands them to the pack (outputs as declared). */
export function plannedResources(plan: PlanJson): PlannedResource[] {
  return plan.resources.map((r) => ({
    urn: r.urn,
    type: r.type,
    name: r.name,
    parent: r.parent,
    aliases: r.aliases ?? [],
    custom: r.custom,
    provider: r.provider ?? "",
    region: r.region ?? undefined,
    inputs: r.inputs,
    outputs: { ...r.inputs, ...(r.region ? { region: r.region } : {}) },
    dependencies: r.dependencies,
    propertyDependencies: r.propertyDependencies ?? {},
    options: { protect: false, deleteBeforeReplace: r.options?.deleteBeforeReplace ?? false, ignoreChanges: [], additionalSecretOutputs: [], retainOnDelete: false },
  }));
}

/** The real policy pack's verdict on a plan, over its analyzer protocol. */
export function packVerdict(plan: PlanJson): Promise<PolicyRun> {
  return runPolicyPack({ packDir: join(projectRoot, "policies"), stack: plan.stack, project: "edge", resources: plannedResources(plan) });
}
