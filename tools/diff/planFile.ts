/**
 * Reading a plan written by `npm run plan -- --json`: the diff reads two, the plan reads one as the
 * deployed base it rehearses an update from (`--base`).
 */
import { readFileSync } from "node:fs";
import type { PlanJson } from "../plan/planJson";

export class PlanFileError extends Error {}

/** Reads a plan written by `npm run plan -- --json`, or throws `PlanFileError` naming the file. */
export function readPlanJson(path: string): PlanJson {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, "utf8"));
  } catch (err) {
    throw new PlanFileError(`${path}: cannot read the plan (${(err as Error).message})`);
  }
  const plan = parsed as Partial<PlanJson>;
  if (!plan || typeof plan !== "object" || !Array.isArray(plan.resources) || !Array.isArray(plan.violations) || typeof plan.stack !== "string") {
    throw new PlanFileError(`${path}: not a plan from 'npm run plan -- --json' (needs stack, resources[], violations[])`);
  }
  return plan as PlanJson;
}
