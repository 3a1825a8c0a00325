/**
 * What pr-check keys a plan by, on a small git repository: a plan is reused only when nothing it
 * reads changed; another stack's own files are the only thing left out.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, sep } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { planProcessArgs } from "../../../tools/plan/runtime/command";
import { filesAtCommit, filesInWorkingTree, planInputDigest, planInputFiles } from "../../../tools/prCheck/planInputs";
import { projectRoot } from "../../support/runPlan";

let repo: string;

function git(...args: string[]): string {
  const r = spawnSync("git", ["-c", "user.name=test", "-c", "user.email=test@example.com", ...args], { cwd: repo, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`git ${args.join(" ")}: ${r.stderr}`);
  return r.stdout.trim();
}

function write(path: string, text: string): void {
  mkdirSync(dirname(join(repo, path)), { recursive: true });
  writeFileSync(join(repo, path), text);
}

const devFile = "config:\n  edge:dns.ttl: 60\n";
/** The digest of the dev stack's plan in the working tree. */
const devNow = (stackText = devFile) => planInputDigest(filesInWorkingTree(repo), "dev", stackText);

describe("the files a plan reads", () => {
  it("are all among the files of its digest (a plan's processes, the pack's included, traced as they open files)", () => {
    const reads = mkdtempSync(join(tmpdir(), "edge-plan-reads-"));
    try {
      const plan = spawnSync(process.execPath, [...planProcessArgs(projectRoot), "--stack", "dev"], {
        cwd: projectRoot,
        encoding: "utf8",
        timeout: 180_000,
        env: { ...process.env, EDGE_RECORD_READS_DIR: reads, NODE_OPTIONS: `--require ${join(projectRoot, "test/fixtures/recordFileReads.cjs")}` },
      });
      expect(plan.status, plan.stderr).toBe(0);
      const lists = readdirSync(reads);
      expect(lists.length).toBe(2); // the plan's process and the pack's
      const isFile = (path: string) => {
        try {
          return statSync(path).isFile();
        } catch {
          return false;
        }
      };
      const read = lists
        .flatMap((list) => readFileSync(join(reads, list), "utf8").split("\n"))
        .filter((path) => path.startsWith(projectRoot + sep) && isFile(path))
        .map((path) => relative(projectRoot, path).split(sep).join("/"));
      const devText = readFileSync(join(projectRoot, "stacks/Pulumi.dev.yaml"), "utf8");
      const inDigest = new Set(planInputFiles(filesInWorkingTree(projectRoot), "dev", devText).map((f) => f.path));
      // node_modules stands as package-lock.json; the pack's bundle and the tools' (`dist/`) are
      // built from their sources, which are in the digest (the tools' as esbuild recorded them).
      const outside = [...new Set(read)].filter((path) => !inDigest.has(path) && !/^(node_modules|policies\/dist|dist)\//.test(path));
      expect(outside).toEqual([]);
      expect(read).toContain("dist/plan.js");
      const bundled = Object.keys(JSON.parse(readFileSync(join(projectRoot, "dist", "meta.json"), "utf8")).inputs as object);
      expect(bundled.filter((path) => !path.startsWith("node_modules/") && !inDigest.has(path))).toEqual([]);
      expect(read).toContain("stacks/Pulumi.dev.yaml");
      expect(read).toContain("policies/config/dev.json");
      expect(read.some((path) => path.startsWith("policies/dist/"))).toBe(true);
    } finally {
      rmSync(reads, { recursive: true, force: true });
    }
  }, 200_000);
});

beforeEach(() => {
  repo = mkdtempSync(join(tmpdir(), "edge-plan-inputs-"));
  git("init", "--quiet");
  write("index.ts", "export = {};\n");
  write("components/dns.ts", "export const ttl = 60;\n");
  write("stacks/Pulumi.dev.yaml", devFile);
  write("stacks/Pulumi.prod.yaml", "config:\n  edge:dns.ttl: 300\n");
  write("policies/config/dev.json", "{}\n");
  write("policies/config/prod.json", '{ "all": "mandatory" }\n');
  write("README.md", "# edge\n");
  git("add", "-A");
  git("commit", "--quiet", "-m", "base");
});

afterEach(() => rmSync(repo, { recursive: true, force: true }));

describe("the digest of a plan's inputs", () => {
  it("is the same for a commit and a clean working tree of it", () => {
    expect(planInputDigest(filesAtCommit(repo, "HEAD"), "dev", devFile)).toBe(devNow());
  });

  it("ignores the other stacks' own files", () => {
    const before = devNow();
    write("stacks/Pulumi.prod.yaml", "config:\n  edge:dns.ttl: 120\n");
    write("policies/config/prod.json", "{}\n");
    write("stacks/Pulumi.staging.yaml", "config: {}\n");
    expect(devNow()).toBe(before);
  });

  it("changes with the stack's own file and policy config, the code, and an untracked file", () => {
    const seen = new Set([devNow()]);
    const changes: [string, string][] = [
      ["stacks/Pulumi.dev.yaml", "config:\n  edge:dns.ttl: 120\n"],
      ["policies/config/dev.json", '{ "all": "advisory" }\n'],
      ["components/dns.ts", "export const ttl = 120;\n"],
      ["assets/snippet/loader.js", "void 0;\n"],
    ];
    for (const [path, text] of changes) {
      write(path, text);
      const digest = devNow(path === "stacks/Pulumi.dev.yaml" ? text : devFile);
      expect(seen.has(digest), path).toBe(false);
      seen.add(digest);
    }
  });

  it("keeps another stack's file when the stack's own file names it (a config key may name any project file)", () => {
    const naming = "config:\n  edge:cdn:\n    snippetFile: stacks/Pulumi.prod.yaml\n";
    write("stacks/Pulumi.dev.yaml", naming);
    const before = devNow(naming);
    write("stacks/Pulumi.prod.yaml", "config:\n  edge:dns.ttl: 120\n");
    expect(devNow(naming)).not.toBe(before);
  });

  it("ignores documentation, tests, benchmarks, game days and workflows, which no plan opens, unless the stack's file names one", () => {
    const before = devNow();
    for (const path of ["README.md", "docs/runbook.md", "policies/README.md", "test/x.spec.ts", "bench/x.ts", "gameday/x.ts", ".github/workflows/x.yml", ".ci/run"]) write(path, "changed\n");
    expect(devNow()).toBe(before);
    const naming = "config:\n  edge:cdn:\n    snippetFile: docs/snippet.js\n";
    write("stacks/Pulumi.dev.yaml", naming);
    const named = devNow(naming);
    write("docs/snippet.js", "void 1;\n");
    expect(devNow(naming)).not.toBe(named);
  });

  it("changes with a deleted file, and differs between stacks", () => {
    const before = devNow();
    rmSync(join(repo, "components/dns.ts"));
    expect(devNow()).not.toBe(before);
    expect(planInputDigest(filesInWorkingTree(repo), "prod", "config:\n  edge:dns.ttl: 300\n")).not.toBe(devNow());
  });
});
