/**
 * The policy pack runs outside this repository, as `pulumi policy publish` ships it: packed with
 * `npm pack`, installed with its production dependencies only into an empty folder, and started
 * the way the CLI starts a Node.js pack (`node …/@pulumi/pulumi/cmd/run-policy-pack <engine> <dir>`
 * with the pack's folder as working directory; pulumi/pulumi sdk/nodejs/cmd/pulumi-language-nodejs,
 * `RunPlugin` for analyzer plugins).
 */
import { ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { builtinModules, createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join, posix } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildPolicyPack, policyPackMain } from "../../policies/build";
import { runPolicyPack, startPolicyPack } from "../../tools/plan/analyzer";
import type { PlannedResource } from "../../tools/plan/evaluate";
import { processConnection } from "../../tools/plan/runtime/packProcess";
import { projectRoot } from "../support/runPlan";

const packSource = join(projectRoot, "policies");
const packManifest = JSON.parse(readFileSync(join(packSource, "package.json"), "utf8"));

interface LockEntry {
  version?: string;
  resolved?: string;
  integrity?: string;
  link?: boolean;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  [key: string]: unknown;
}
const rootLock = JSON.parse(readFileSync(join(projectRoot, "package-lock.json"), "utf8")) as { packages: Record<string, LockEntry> };

/** Where Node finds package `name` required from the lockfile path `from` (nearest `node_modules` first). */
function lockPathOf(name: string, from: string): string | undefined {
  let base = from;
  for (;;) {
    const candidate = posix.join(base, "node_modules", name);
    if (rootLock.packages[candidate] && !rootLock.packages[candidate]!.link) return candidate;
    if (base === "") return undefined;
    const parent = base.lastIndexOf("/node_modules/");
    base = parent < 0 ? "" : base.slice(0, parent);
  }
}

/**
 * A lockfile for a project that depends only on the packed pack, holding every package the pack's
 * dependencies need at the version (and integrity) the repository's lockfile has: npm then installs
 * it from the cache at those versions, as `npm ci` did here, without asking the registry.
 */
function lockfileFor(tarball: string, tarballIntegrity: string): object {
  const packages: Record<string, LockEntry> = {};
  const visit = (deps: Record<string, string>, from: string) => {
    for (const name of Object.keys(deps)) {
      const path = lockPathOf(name, from);
      if (!path) throw new Error(`${name} (needed by ${from || "the pack"}) is not in package-lock.json`);
      if (packages[path]) continue;
      const { dev: _dev, devOptional: _devOptional, peer: _peer, ...entry } = rootLock.packages[path]! as LockEntry & Record<string, unknown>;
      packages[path] = entry;
      const requiredPeers = Object.fromEntries(Object.entries(entry.peerDependencies ?? {}).filter(([peer]) => !entry.peerDependenciesMeta?.[peer]?.optional));
      visit({ ...entry.dependencies, ...entry.optionalDependencies, ...requiredPeers }, path);
    }
  };
  visit(packManifest.dependencies, "");
  return {
    name: "standalone-pack-test",
    lockfileVersion: 3,
    requires: true,
    packages: {
      "": { dependencies: { [packManifest.name]: `file:${tarball}` } },
      [`node_modules/${packManifest.name}`]: {
        version: packManifest.version,
        resolved: `file:${tarball}`,
        integrity: tarballIntegrity,
        dependencies: packManifest.dependencies,
      },
      ...packages,
    },
  };
}

/** The pack's port, once it prints it; rejects with its stderr if it exits or stays silent. */
function portOf(child: ChildProcess, timeoutMs: number): Promise<number> {
  let stdout = "";
  let stderr = "";
  child.stderr!.on("data", (chunk) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the installed pack printed no port within ${timeoutMs} ms\n${stderr}`)), timeoutMs);
    child.stdout!.on("data", (chunk) => {
      stdout += chunk;
      const match = /^(\d+)\s*$/m.exec(stdout);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`the installed pack exited (code ${code}) before it served\n${stdout}\n${stderr}`));
    });
  });
}

const oneDayTtl: PlannedResource = {
  urn: "urn:pulumi:test::edge::aws:route53/record:Record::one-day",
  type: "aws:route53/record:Record",
  name: "one-day",
  aliases: [],
  parent: "",
  custom: true,
  provider: "",
  inputs: { zoneId: "Z0", name: "api.example.com", type: "A", ttl: 86400, records: ["192.0.2.1"] },
  outputs: { zoneId: "Z0", name: "api.example.com", type: "A", ttl: 86400, records: ["192.0.2.1"] },
  dependencies: [],
  propertyDependencies: {},
  options: { protect: false, deleteBeforeReplace: false, ignoreChanges: [], additionalSecretOutputs: [], retainOnDelete: false },
};

describe("the policy pack's manifest", () => {
  it("declares exactly the packages the built pack imports, at the version package-lock.json installs", () => {
    buildPolicyPack();
    const bundle = readFileSync(policyPackMain, "utf8");
    const imported = new Set(
      [...bundle.matchAll(/require\("([^"]+)"\)/g)]
        .map((m) => m[1]!)
        .filter((name) => !name.startsWith("node:") && !builtinModules.includes(name))
        .map((name) => (name.startsWith("@") ? name.split("/").slice(0, 2).join("/") : name.split("/")[0]!)),
    );
    // The runner the CLI starts the pack with comes from the pack's own @pulumi/pulumi.
    const needed = [...new Set([...imported, "@pulumi/pulumi"])].sort();
    expect(Object.keys(packManifest.dependencies).sort(), "policies/package.json dependencies").toEqual(needed);
    for (const name of needed) {
      expect(packManifest.dependencies[name], name).toBe(rootLock.packages[`node_modules/${name}`]?.version);
    }
  });
});

describe("the packed policy pack, installed alone", () => {
  let dir: string;
  let installedPack: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "edge-pack-"));
    // `npm pack` runs the pack's `prepack` (the build), as publishing does.
    const [packed] = JSON.parse(execFileSync("npm", ["pack", "--json", "--pack-destination", dir], { cwd: packSource, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }));
    writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "standalone-pack-test", private: true, dependencies: { [packManifest.name]: `file:${packed.filename}` } }));
    writeFileSync(join(dir, "package-lock.json"), JSON.stringify(lockfileFor(packed.filename, packed.integrity)));
    execFileSync("npm", ["install", "--offline", "--omit=dev", "--no-audit", "--no-fund"], { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
    installedPack = join(dir, "node_modules", packManifest.name);
  }, 240_000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("ships the built JavaScript main and none of the repository's sources", () => {
    const installed = JSON.parse(readFileSync(join(installedPack, "package.json"), "utf8"));
    expect(join(installedPack, installed.main)).toBe(policyPackMain.replace(packSource, installedPack));
    expect(readFileSync(join(installedPack, installed.main), "utf8")).not.toMatch(/require\("\.\.?\//);
  });

  it("starts through run-policy-pack and reports a one-day TTL over the Analyzer protocol", async () => {
    // The CLI resolves the runner from the pack's folder, then runs `node <runner> <engine address> <pack folder>`.
    const runner = createRequire(join(installedPack, "package.json")).resolve("@pulumi/pulumi/cmd/run-policy-pack");
    expect(runner.startsWith(dir)).toBe(true);
    const child = spawn(process.execPath, [runner, "127.0.0.1:0", installedPack], {
      cwd: installedPack,
      stdio: ["ignore", "pipe", "pipe"],
    });
    try {
      const port = await portOf(child, 60_000);
      const run = await runPolicyPack(
        { packDir: installedPack, stack: "test", project: "edge", resources: [oneDayTtl] },
        startPolicyPack(installedPack, Promise.resolve(processConnection(child, port))),
      );
      expect(run.packName).toBe("edge-guardrails");
      expect(run.policies.map((p) => p.name)).toContain("enforce-failover-ttl");
      const ttl = run.violations.filter((v) => v.policyName === "enforce-failover-ttl");
      expect(ttl).toHaveLength(1);
      expect(ttl[0]).toMatchObject({ urn: oneDayTtl.urn, enforcementLevel: "mandatory" });
      expect(ttl[0]!.message).toMatch(/86400/);
    } finally {
      child.kill("SIGKILL");
    }
  }, 90_000);
});
