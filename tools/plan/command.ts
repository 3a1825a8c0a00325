/**
 * How the plan's process is started: `npm run plan` (package.json spells the same command, and a
 * test holds the two equal), `npm run pr-check` and the bench all run this.
 *
 * Node's heap flags, from issue 9's measurements of the 6,000-resource bench stack: while the
 * program evaluates, the SDK holds every resource's pending outputs at once (~600 MB there). With
 * V8's default heap growth that meant a full collection over that state at each step of growth, and
 * a heap grown to 1.5 GiB. Starting the old space at 700 MB skips those steps, a 32 MB young
 * generation lets more short-lived objects die there, and growing by 20% after a full collection
 * keeps the peak near what is in use: the plan's process peaked at 1.55 GiB with the defaults and
 * under 1 GiB with these, in the same time. A small stack never reaches them.
 */
import { join } from "node:path";

export const planNodeFlags = ["--max-semi-space-size=32", "--initial-old-space-size=700", "--heap-growing-percent=20"];

/** `node <flags> --import tsx <root>/tools/plan/main.ts`, as arguments of `process.execPath`. */
export function planProcessArgs(root: string): string[] {
  return [...planNodeFlags, "--import", "tsx", join(root, "tools", "plan", "main.ts")];
}
