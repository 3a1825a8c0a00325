/**
 * Hostile input against the real plan command, on a handful of generated and hand-made stack
 * files (each run costs seconds; the schema gets hundreds of cases in test/stacks/hostileInput.spec.ts).
 * Whatever the file says, the plan ends in exit 0, 1 or 2 within a bounded time, says why in
 * words rather than a stack trace, and writes nothing but its `--json` output.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { pathToFileURL } from "node:url";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { parseStackConfig, StackConfigError } from "../../../stacks/schema";
import { hostileConfig, validBase } from "../../support/hostileConfigs";
import { projectRoot } from "../../support/runPlan";

/** Longest a plan may take before the test calls it a hang. */
const planTimeoutMs = 180_000;
const tsxLoader = pathToFileURL(join(projectRoot, "node_modules/tsx/dist/loader.mjs")).href;
const sandboxes: string[] = [];

afterAll(() => {
  for (const dir of sandboxes) rmSync(dir, { recursive: true, force: true });
});

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

function projectChanges(): string {
  return spawnSync("git", ["status", "--porcelain", "--untracked-files=all"], { cwd: projectRoot, encoding: "utf8" }).stdout;
}

/** Plans `text` as a stack file from a sandbox directory (the working directory too), the JSON to a nested path. */
function planText(text: string) {
  const sandbox = mkdtempSync(join(tmpdir(), "edge-hostile-"));
  sandboxes.push(sandbox);
  mkdirSync(join(sandbox, "in"));
  writeFileSync(join(sandbox, "in", "Pulumi.hostile.yaml"), text);
  const before = projectChanges();
  const started = Date.now();
  const result = spawnSync(
    process.execPath,
    // With the dev stack's policy config: its waivers (public host addresses) are what a stack of this shape carries.
    [
      "--import",
      tsxLoader,
      join(projectRoot, "tools/plan/main.ts"),
      "--stack",
      "hostile",
      "--config-file",
      "in/Pulumi.hostile.yaml",
      "--policy-config",
      join(projectRoot, "policies/config/dev.json"),
      "--json",
      "out/plan.json",
    ],
    { cwd: sandbox, encoding: "utf8", timeout: planTimeoutMs, killSignal: "SIGKILL" },
  );
  return { result, ms: Date.now() - started, files: filesUnder(sandbox), projectChanged: projectChanges() !== before };
}

function expectWellBehaved(run: ReturnType<typeof planText>, what: string) {
  const { result } = run;
  const context = `${what}\nexit ${result.status} signal ${result.signal}\nstderr: ${result.stderr?.slice(0, 2000)}`;
  expect(result.error, context).toBeUndefined(); // a timeout shows up here
  expect([0, 1, 2], context).toContain(result.status);
  expect(result.stdout + result.stderr, context).not.toMatch(/\n\s+at [^\n]*[(:]/);
  if (result.status === 2) expect(result.stderr.trim().length, context).toBeGreaterThan(0);
  else expect(result.stdout, context).toContain("== Policies ==");
  const allowed = result.status === 2 ? [join("in", "Pulumi.hostile.yaml")] : [join("in", "Pulumi.hostile.yaml"), join("out", "plan.json")];
  expect(run.files, context).toEqual(allowed);
  expect(run.projectChanged, context).toBe(false);
}

const stackFile = (edge: Record<string, unknown>) => stringify({ config: Object.fromEntries(Object.entries(edge).map(([k, v]) => [`edge:${k}`, v])) });

describe("hostile stack files (the plan command)", () => {
  // Exit 1 on a real violation is the incident replays' business (test/incidents); here the valid base must plan.
  it(
    "plans the valid base (exit 0)",
    () => {
      const run = planText(stackFile(validBase));
      expectWellBehaved(run, "valid base");
      expect(run.result.status).toBe(0);
    },
    planTimeoutMs * 2,
  );

  it.each([
    [
      "a billion-laughs YAML alias bomb",
      ["a: &a [x,x,x,x,x,x,x,x,x]", ...Array.from({ length: 8 }, (_, i) => `${"bcdefghi"[i]}: &${"bcdefghi"[i]} [${Array(9).fill(`*${"abcdefgh"[i]}`).join(",")}]`), "config: {edge:domain: *i}"].join(
        "\n",
      ),
    ],
    ["bytes that are not YAML", "\u0000\u0001config: [\n\t- }{"],
    ["500 regions and NaN sizes", stackFile({ ...validBase, regions: Array.from({ length: 500 }, (_, i) => `us-east-${i}`), ingest: { maxHostsPerRegion: Number.NaN } })],
    ["a secret where a domain belongs", "config:\n  edge:domain:\n    secure: v1:AAAAAAAAAAAAAAAA\n  edge:regions: [us-east-1, us-west-2]\n"],
    ["a list nested 5000 deep", `config:\n  edge:regions: ${"[".repeat(5000)}${"]".repeat(5000)}\n`],
    // Once a green plan or a crash (exit 70): refused as config now.
    ["a record named like the program's ingest record", stackFile({ ...validBase, dns: { ...validBase.dns, records: [{ name: "api-us-east-1-1", type: "A", values: ["192.0.2.1"] }] } })],
    ["a pool of 1 for two processes per host", stackFile({ ...validBase, datastore: { ...validBase.datastore, poolSizePerHost: 1 } })],
    ["one AMI id in two regions", stackFile({ ...validBase, ingest: { ...validBase.ingest, imageIds: { "us-east-1": "ami-0123456789abcdef0", "eu-west-1": "ami-0123456789abcdef0" } } })],
    [
      "5,000 records on a free Cloudflare zone",
      stackFile({ ...validBase, dns: { ...validBase.dns, records: Array.from({ length: 5000 }, (_, i) => ({ name: `r${i}`, type: "TXT", values: [`v${i}`] })) } }),
    ],
  ])(
    "ends %s with a readable exit 2",
    (what, text) => {
      const run = planText(text);
      expectWellBehaved(run, what);
      expect(run.result.status).toBe(2);
    },
    planTimeoutMs * 2,
  );

  /** The schema's verdict on a config, as the plan of stack `hostile` reaches it: its problems, or none. */
  function schemaProblems(edge: Record<string, unknown>): string[] {
    try {
      parseStackConfig(edge, "hostile");
      return [];
    } catch (err) {
      if (err instanceof StackConfigError) return err.problems;
      throw err;
    }
  }

  // With the hand-made files above, about 20 plans: each costs seconds, the schema gets thousands.
  it(
    "ends generated hostile configs as the schema decides: exit 2 with its problems, else 0 or 1 (property, 14 cases)",
    () => {
      const samples = fc.sample(hostileConfig, { numRuns: 14, seed: 20261201 });
      for (const edge of samples) {
        const what = JSON.stringify(edge, (_k, v) => (typeof v === "number" && !Number.isFinite(v) ? String(v) : v)).slice(0, 400);
        const run = planText(stackFile(edge));
        expectWellBehaved(run, what);
        // The schema's verdict on what the plan reads: the config after the YAML file (an `undefined` in a list is `null` there).
        const written = parse(stackFile(edge)).config as Record<string, unknown>;
        const problems = schemaProblems(Object.fromEntries(Object.entries(written).map(([k, v]) => [k.slice("edge:".length), v])));
        const context = `${what}\nexit ${run.result.status}\nstderr: ${run.result.stderr.slice(0, 2000)}`;
        if (problems.length > 0) {
          // A config problem is never a refusal: exit 2, the schema's own lines (a stack-file problem may come first).
          expect(run.result.status, context).toBe(2);
          if (!/config keys are namespace:key/.test(run.result.stderr)) for (const p of problems) expect(run.result.stderr, context).toContain(p.split(" (")[0]);
        } else if (run.result.status === 2) {
          // Accepted by the schema, refused by the program only where a configured file cannot be read.
          expect(run.result.stderr, context).toMatch(/^edge:cdn\.(snippet|library)File: cannot read /m);
        }
      }
    },
    planTimeoutMs * 15,
  );
});
