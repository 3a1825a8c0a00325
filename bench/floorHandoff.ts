/**
 * Hands the resources the floor program registers from the worker to the program: the program is
 * evaluated by `import()` of its path, so it takes no arguments.
 */
import type { PlannedResource } from "../tools/plan/evaluate";

const key = "__edgeBenchFloorResources";

export function handFloorResources(resources: PlannedResource[]): void {
  (globalThis as Record<string, unknown>)[key] = resources;
}

export function takeFloorResources(): PlannedResource[] {
  const resources = (globalThis as Record<string, unknown>)[key] as PlannedResource[] | undefined;
  if (!resources) throw new Error("the floor program runs under bench/worker.ts floor, which hands it the resources");
  return resources;
}
