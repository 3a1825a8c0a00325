/**
 * Protects: the plan's speed machinery (`tools/plan/runtime/`) changes how fast a plan is made,
 * never what it says. The plain path (EDGE_PLAN_PLAIN=1: the TypeScript sources through tsx, the
 * pack started bare, no deferred imports, no SDK patches) is the reference; the fast path's `--json`
 * (the bundles, the compile cache, the pack's preload, the SDK's diagnostics off) must be equal to it.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { planProcessArgs } from "../../../tools/plan/runtime/command";
import { plainPathEnv } from "../../../tools/plan/runtime/mode";
import type { PlanJson } from "../../../tools/plan/planJson";
import { projectRoot } from "../../support/runPlan";

const out = mkdtempSync(join(tmpdir(), "edge-plain-path-"));
afterAll(() => rmSync(out, { recursive: true, force: true }));

interface Run {
  code: number | null;
  stderr: string;
  json: PlanJson;
}

/** `npm run plan -- --stack STACK --json OUT` on the fast path, or the plain one. */
function plan(stack: string, plain: boolean): Promise<Run> {
  const json = join(out, `${stack}.${plain ? "plain" : "fast"}.json`);
  const env = { ...process.env, [plainPathEnv]: plain ? "1" : "0" };
  const child = spawn(process.execPath, [...planProcessArgs(projectRoot), "--stack", stack, "--json", json], { cwd: projectRoot, env, stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk));
  const killer = setTimeout(() => child.kill("SIGKILL"), 240_000);
  return new Promise((done, fail) => {
    child.once("error", fail);
    child.once("close", (code) => {
      clearTimeout(killer);
      try {
        done({ code, stderr, json: JSON.parse(readFileSync(json, "utf8")) });
      } catch (err) {
        fail(new Error(`the ${plain ? "plain" : "fast"} plan of ${stack} wrote no --json (exit ${code}): ${stderr.slice(-2000)} ${err}`));
      }
    });
  });
}

describe("the plain path (EDGE_PLAN_PLAIN=1)", () => {
  it.each(["dev", "prod"])(
    "plans %s to the same --json as the fast path",
    async (stack) => {
      const fast = await plan(stack, false);
      const plain = await plan(stack, true);
      expect(plain.code).toBe(fast.code);
      expect(fast.json.resources.length).toBeGreaterThan(100);
      expect(plain.json).toEqual(fast.json);
    },
    600_000,
  );
});
