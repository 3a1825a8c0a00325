/**
 * Which path this process runs: the bundles (`build.ts` defines `__EDGE_COMPILED__`) or the
 * TypeScript sources (tsx, vitest); the fast path or the plain one (EDGE_PLAN_PLAIN=1, the
 * reference: no worker, lease, deferred imports or SDK patches).
 */
declare const __EDGE_COMPILED__: boolean | undefined;

/** True in a bundle of `build.ts`; false where the TypeScript sources run. */
export const compiled: boolean = typeof __EDGE_COMPILED__ !== "undefined" && __EDGE_COMPILED__;

/** The environment variable of the plain path. */
export const plainPathEnv = "EDGE_PLAN_PLAIN";

/** True on the plain path. Read when asked: tests set it per child process. */
export function plainPath(env: NodeJS.ProcessEnv = process.env): boolean {
  return env[plainPathEnv] === "1";
}
