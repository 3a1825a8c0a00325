/**
 * `npm run pr-check` on a temporary git repository: a copy of this project (git clone of the
 * working tree's commit) and a second commit that changes the dev stack.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cloneProjectWithDevStack, ProjectClone } from "../../support/projectClone";
import { prCheckProcessArgs } from "../../../tools/plan/runtime/command";

let repo: string;
let git: ProjectClone["git"];
let run: ReturnType<typeof spawnSync>;
let report: string;
let rerun: ReturnType<typeof spawnSync>;

const tempLeftovers = () => readdirSync(tmpdir()).filter((f) => f.startsWith("edge-pr-check-"));

beforeAll(() => {
  const before = tempLeftovers();
  // Base commit: the project with one stack, to keep the number of plans small.
  ({ dir: repo, git } = cloneProjectWithDevStack("edge-pr-repo-"));
  // The pull request: raise the dev TTL from 60 s to 120 s, and add a stack whose config is invalid.
  const file = join(repo, "stacks/Pulumi.dev.yaml");
  writeFileSync(file, readFileSync(file, "utf8").replace("ttl: 60", "ttl: 120"));
  writeFileSync(join(repo, "stacks/Pulumi.broken.yaml"), "config:\n  edge:regions: []\n");
  git("add", "stacks");
  git("commit", "--quiet", "-m", "Raise the dev TTL; add a broken stack");
  run = spawnSync(process.execPath, [...prCheckProcessArgs(repo), "--base", "HEAD~1", "--out", join(repo, "report.md")], {
    cwd: repo,
    encoding: "utf8",
    timeout: 300_000,
  });
  report = existsSync(join(repo, "report.md")) ? readFileSync(join(repo, "report.md"), "utf8") : "";
  // The same commits again: the base's plan and the head's dev plan come from the cache (report.md,
  // new in the working tree, is no plan's input); the broken stack's plan is never cached.
  rerun = spawnSync(process.execPath, [...prCheckProcessArgs(repo), "--base", "HEAD~1", "--out", join(repo, "again.md")], {
    cwd: repo,
    encoding: "utf8",
    timeout: 300_000,
  });
  expect(tempLeftovers()).toEqual(before);
});

afterAll(() => rmSync(repo, { recursive: true, force: true }));

describe("npm run pr-check", () => {
  it("writes a report carrying the sticky-comment marker, and exits 1 for the broken stack", () => {
    expect(run.stderr).toContain("pr-check: report written to");
    // dev fails too: its raised TTL makes a lost region (and, dev running one host per region, a lost host, a frozen host and a zone) take longer than enforce-recovery-time allows.
    expect(run.stderr).toContain("pr-check: broken (plan exit 2), dev (plan exit 1) fail at the working tree");
    expect(run.stderr).toContain("pr-check: cannot-merge: broken is broken at this pull request; dev has 4 mandatory violations");
    expect(run.status).toBe(1);
    expect(report.startsWith("<!-- edge-pr-check -->\n## Edge plan: `HEAD~1` → this pull request\n⛔ **cannot merge: broken is broken at this pull request; dev has 4 mandatory violations**\n")).toBe(
      true,
    );
    expect(report).toMatch(/^Base `[0-9a-f]{12}` → head `[0-9a-f]{12}`\.$/m);
  });

  it("shows the change between the two commits: the summary row, the risk and the record's TTL", () => {
    // Every record that uses edge:dns.ttl, in both providers: decide, cdn, and the api answers of 2
    // regions; the risks are the raised TTL's ten and the longer recovery from a lost region, which
    // enforce-recovery-time refuses (36 s + 120 s TTL > 120 s) for a lost region and, dev running one
    // host per region, for a lost host, frozen host and zone (the same way back, one risk).
    // 10 raised TTLs, the two longer recoveries (Route 53's answers and Cloudflare's), and 4 of dev's 12 Route 53 records rewritten (over octoDNS's 30%).
    expect(report).toContain("| `dev` | 0 | 10 | 0 | 0 | ⚠️ 13 | 4 | 0 |");
    expect(report).toContain(
      "- **recovery-lengthened**: when one host dies, one host freezes (accepts, never answers), an availability zone is lost, a region is lost or the spools fill (datastore down too long) (us-east-1), traffic is served again after 156 s, was 96 s (+60 s); dominant term: resolvers drop the cached answer",
    );
    expect(report).toContain(
      "- **recovery-lengthened**: when a region is lost, via Cloudflare (manual) (us-east-1), traffic is served again after 1296 s, was 1236 s (+60 s); dominant term: the on-call withdraws",
    );
    expect(report).toContain("### Stack `dev`");
    // One line for the cause, the ten records folded under it.
    expect(report).toContain("- **ttl-raised**: TTL raised 60 s → 120 s (resolvers keep the old answer that long after a failover; incident 000's one-day TTL left no way to move traffic) (×10)");
    expect(report).toContain("- aws:route53/record:Record dns-route53-cname-decide\n");
    expect(report).toContain("- cloudflare:index/dnsRecord:DnsRecord dns-cloudflare-cname-decide\n");
    expect(report).toMatch(
      /<details><summary><code>edge:dns:DnsRecords dns<\/code> · global \(~10\)<\/summary>\n\n```diff\n(.*\n)*~  aws:route53\/record:Record  dns-route53-cname-decide\n~      ttl: 60 => 120\n/,
    );
  });

  it("reports a stack whose plan exits 2 as broken, with the plan's error", () => {
    expect(report).toContain("| `broken` | ❌ broken at head | | | | | | |");
    expect(report).toContain("### ❌ Stack `broken`: broken at this pull request");
    expect(report).toContain("edge:regions");
  });

  it("reads plans of the same git trees back from its cache: no base worktree, the same report", () => {
    expect(rerun.stderr).toContain("every base plan of HEAD~1 is cached");
    expect(rerun.stderr).toMatch(/pr-check: planning 2 stack\(s\) at HEAD~1 and in the working tree: 1 plan\(s\), 2 from the cache/);
    expect(readFileSync(join(repo, "again.md"), "utf8")).toBe(report);
    expect(rerun.status).toBe(1);
  });

  it("reused node_modules (same package-lock.json) and removed its temporary worktree", () => {
    expect(run.stderr).toContain("pr-check: package-lock.json unchanged since HEAD~1: reusing node_modules");
    expect(git("worktree", "list").trim().split("\n")).toHaveLength(1);
  });
});
