/**
 * How the plan's process is started: `npm run plan` (package.json spells the same command, and a
 * test holds the two equal), `npm run pr-check` and the bench all run this.
 *
 * Node's heap flags, from issue 9's measurements of the 6,000-resource bench stack: while the
 * program evaluates, the SDK holds every resource's pending outputs at once (~600 MB there). With
 * V8's default heap growth that meant a full collection over that state at every step of growth,
 * 40% of the evaluation's CPU. Starting the old space at 800 MB skips those steps, a 64 MB young
 * generation lets the short-lived objects die there, and growing by 30% after a collection keeps
 * the peak near what is in use: 14.5 → 12.6 s and 1.55 → 1.15 GiB for that plan's process; a
 * small stack never reaches them.
 */
import { join } from "node:path";

export const planNodeFlags = ["--max-semi-space-size=64", "--initial-old-space-size=800", "--heap-growing-percent=30"];

/** `node <flags> --import tsx <root>/tools/plan/main.ts`, as arguments of `process.execPath`. */
export function planProcessArgs(root: string): string[] {
  return [...planNodeFlags, "--import", "tsx", join(root, "tools", "plan", "main.ts")];
}
