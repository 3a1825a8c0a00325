/**
 * Incident replays: every stack file in fixtures/ planned once by the real plan command (two at a
 * time: the machine has two cores), then judged against test/incidents/cases.ts. A broken stack
 * exits 1 with the policy of its incident's mechanism and no other, or 2 where the schema already
 * refuses the condition; a corrected stack exits 0. README.md names the sentence of each case.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PlanJson, prodPolicyConfigPath, projectRoot } from "../support/runPlan";
import { replayCases } from "./cases";

const fixtures = join(__dirname, "fixtures");
const outDir = mkdtempSync(join(tmpdir(), "edge-replay-"));

interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
  json?: PlanJson;
}

function plan(name: string): Promise<Outcome> {
  const json = join(outDir, `${name}.json`);
  const args = [
    "--import",
    "tsx",
    join(projectRoot, "tools/plan/main.ts"),
    "--stack",
    "replay",
    "--config-file",
    join(fixtures, `${name}.yaml`),
    "--policy-config",
    prodPolicyConfigPath,
    "--json",
    json,
  ];
  return new Promise((resolve) => {
    execFile(process.execPath, args, { cwd: projectRoot, encoding: "utf8", timeout: 240_000, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === "number" ? err.code : null) : 0;
      resolve({ code, stdout, stderr, json: existsSync(json) ? JSON.parse(readFileSync(json, "utf8")) : undefined });
    });
  });
}

/** Runs every case's plan, `parallel` at a time. */
async function planAll(names: string[], parallel: number): Promise<Map<string, Outcome>> {
  const results = new Map<string, Outcome>();
  const queue = [...names];
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      for (let name = queue.shift(); name !== undefined; name = queue.shift()) results.set(name, await plan(name));
    }),
  );
  return results;
}

describe("incident replays", () => {
  let outcomes: Map<string, Outcome>;
  beforeAll(async () => {
    outcomes = await planAll(
      replayCases.map((c) => c.name),
      2,
    );
  }, 900_000);
  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  it("has a case for every fixture and a fixture for every case", () => {
    const files = readdirSync(fixtures)
      .filter((f) => f.endsWith(".yaml"))
      .map((f) => f.slice(0, -5))
      .sort();
    expect(files).toEqual(replayCases.map((c) => c.name).sort());
  });

  it("lists every case in the README with its sentence", () => {
    const readme = readFileSync(join(__dirname, "README.md"), "utf8");
    for (const c of replayCases) {
      expect(readme, c.name).toContain(`\`${c.name}\``);
      expect(readme, c.name).toContain(c.sentence);
    }
  });

  // The post-mortems live beside the project (../shared/incidents), not in it: checked where present.
  const incidentsDir = [join(projectRoot, "..", "shared", "incidents"), join(projectRoot, "..", "..", "shared", "incidents")].find(existsSync);
  it.skipIf(!incidentsDir)("quotes each sentence verbatim from its post-mortem", () => {
    for (const c of replayCases) {
      const file = readdirSync(incidentsDir!).find((f) => f.startsWith(`${c.incident}`) && f.endsWith(".txt"))!;
      const postMortem = readFileSync(join(incidentsDir!, file), "utf8").replace(/\s+/g, " ");
      expect(postMortem, c.name).toContain(c.sentence);
    }
  });

  it.each(replayCases.map((c) => [c.name, c] as const))("%s", (name, c) => {
    const outcome = outcomes.get(name)!;
    const context = `${name}: exit ${outcome.code}\n${outcome.stderr.slice(0, 1500)}`;
    expect(outcome.code, context).toBe(c.expect.exit);
    expect(outcome.stdout + outcome.stderr, context).not.toMatch(/\n\s+at [^\n]*[(:]/);
    if (c.expect.exit === 2) {
      expect(outcome.stderr, context).toContain(c.expect.problem);
      return;
    }
    const mandatory = outcome.json!.violations.filter((v) => v.enforcementLevel === "mandatory");
    if (c.expect.exit === 0) {
      expect(mandatory, context).toEqual([]);
      return;
    }
    const { policy, says } = c.expect;
    expect([...new Set(mandatory.map((v) => v.policyName))].sort(), context).toEqual([policy, ...(c.expect.alsoRefusedBy ?? [])].sort());
    expect(
      mandatory.some((v) => v.message.includes(says)),
      `${context}\n${mandatory.map((v) => v.message).join("\n")}`,
    ).toBe(true);
    // The guard of this incident names it; another lesson the same stack breaks names its own.
    for (const v of mandatory) expect(v.message, context).toMatch(v.policyName === policy ? (c.expect.names ?? `Incident ${c.incident}`) : /Incident \d{3}/);
  });
});
