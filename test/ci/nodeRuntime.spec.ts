/**
 * Protects: one Node.js for the tools everywhere they run. `.ci/install-node` reads the pin of
 * `tools/bundle/pins.ts` (the hosts' runtime) with `sed`, so a reformatted pin would leave CI on the
 * machine's Node or on nothing; package.json's `engines` and every workflow's `setup-node` name the
 * same major line.
 */
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { nodeRuntimePin } from "../../tools/bundle/pins";
import { projectRoot } from "../support/runPlan";

const major = nodeRuntimePin.version.split(".")[0];

describe("the tools' Node.js", () => {
  it("is the pin .ci/install-node reads", () => {
    const printed = execFileSync("bash", [join(projectRoot, ".ci", "install-node"), "--pin"], { encoding: "utf8", timeout: 30_000 }).trim();
    expect(printed).toBe(`${nodeRuntimePin.version} ${nodeRuntimePin.sha256}`);
  });

  it("is the line package.json's engines and every workflow's setup-node name", () => {
    expect(JSON.parse(readFileSync(join(projectRoot, "package.json"), "utf8")).engines.node).toBe(`${major}.x`);
    const dir = join(projectRoot, ".github", "workflows");
    const versions = readdirSync(dir)
      .filter((f) => f.endsWith(".yml"))
      .flatMap((f) => Object.values(parse(readFileSync(join(dir, f), "utf8")).jobs as Record<string, { steps?: { uses?: string; with?: Record<string, unknown> }[] }>))
      .flatMap((job) => job.steps ?? [])
      .filter((step) => step.uses?.startsWith("actions/setup-node@"))
      .map((step) => String(step.with?.["node-version"]));
    expect(versions.length).toBeGreaterThan(0);
    expect(new Set(versions)).toEqual(new Set([major]));
  });
});
