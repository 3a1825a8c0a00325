/**
 * Component wiring tests under Pulumi's mock runtime, with the offline plan's own mocks and
^ * recorder. Call once per test file (vitest runs each file in its own process), construct the
 * component, then `settle()` for every resource it registered.
 */
import { installPlanRuntime, PlannedResource } from "../../tools/plan/evaluate";

export async function mockRuntime(stack = "test", defaultRegion = "us-east-1", onRegister?: (resource: PlannedResource) => void) {
  return installPlanRuntime({ project: "edge", stack, config: {}, secretKeys: [], defaultRegion, onRegister });
}

export function ofType(resources: PlannedResource[], type: string): PlannedResource[] {
  return resources.filter((r) => r.type === type);
}
