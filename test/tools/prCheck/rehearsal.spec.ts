/**
 * `npm run pr-check` refuses a pull request the cloud would refuse to deploy, whatever the review:
 * on a copy of this project whose zone was deployed as today's main declared it (no forceDestroy),
 * a pull request that moves one of the dev stack's availability zones and replaces its zone.
 */
import { spawnSync, SpawnSyncReturns } from "node:child_process";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cloneProjectWithDevStack, ProjectClone } from "../../support/projectClone";
import { prCheckProcessArgs } from "../../../tools/plan/runtime/command";

let repo: string;
let git: ProjectClone["git"];
let run: SpawnSyncReturns<string>;
let report: string;
let diff: { resources: { type: string; name: string; op: string; changes: { path: string }[] }[]; rehearsal: { refusals: { kind: string; error: string }[] } };

const edit = (file: string, from: string | RegExp, to: string) => {
  const path = join(repo, file);
  const text = readFileSync(path, "utf8");
  const next = text.replace(from, to);
  expect(next, `${file}: ${from}`).not.toBe(text);
  writeFileSync(path, next);
};

beforeAll(() => {
  ({ dir: repo, git } = cloneProjectWithDevStack("edge-pr-rehearsal-"));
  // The base: the zone deployed without forceDestroy, as today's main declares it.
  edit("components/dnsZones.ts", "delegationSetId: delegationSet.id, forceDestroy: true }", "delegationSetId: delegationSet.id }");
  git("commit", "--quiet", "-am", "The zone as deployed: no forceDestroy");
  // The pull request: us-east-1's second zone moved to another AZ ID, and a new domain (a new zone).
  edit("stacks/Pulumi.dev.yaml", "us-east-1: [ use1-az1, use1-az2 ]", "us-east-1: [ use1-az1, use1-az6 ]");
  edit("stacks/Pulumi.dev.yaml", "edge:domain: edge-dev.example.com", "edge:domain: edge-staging.example.com");
  git("commit", "--quiet", "-am", "Move a zone; a new domain");
  run = spawnSync(process.execPath, [...prCheckProcessArgs(repo), "--base", "HEAD~1", "--no-cache", "--out", join(repo, "report.md"), "--json", join(repo, "diff.json")], {
    cwd: repo,
    encoding: "utf8",
    timeout: 600_000,
  });
  report = existsSync(join(repo, "report.md")) ? readFileSync(join(repo, "report.md"), "utf8") : "";
  diff = existsSync(join(repo, "diff.json")) ? JSON.parse(readFileSync(join(repo, "diff.json"), "utf8")).stacks.find((s: { stack: string }) => s.stack === "dev").diff : undefined;
}, 660_000);

afterAll(() => rmSync(repo, { recursive: true, force: true }));

describe("pr-check on a change the cloud would refuse", () => {
  it("exits 1: the change cannot deploy as written, whatever the review, and the verdict names each API error", () => {
    expect(run.status, run.stderr).toBe(1);
    expect(report.split("\n").find((line) => line.startsWith("⛔"))).toMatch(/^⛔ \*\*cannot merge: dev: aws:/);
    expect(run.stderr).toMatch(/pr-check: cannot-merge: .*HostedZoneNotEmpty.*OperationNotPermitted/);
  });

  it("names the zone replacement's API error and its source", () => {
    expect(report).toMatch(/aws:route53\/zone:Zone dns-route53, delete-replaced: the API refuses it: HostedZoneNotEmpty/);
    expect(report).toContain("HostedZoneNotEmpty");
    expect(report).toContain("https://docs.aws.amazon.com/Route53/latest/APIReference/API_DeleteHostedZone.html");
  });

  it("refuses the moved zone: a new subnet taking a block its predecessor holds (the list-position layout), and the protected load balancer it replaces", () => {
    const subnet = diff.resources.find((r) => r.type === "aws:ec2/subnet:Subnet" && r.name === "ingest-us-east-1-public-2")!;
    expect(subnet.op).toBe("replace");
    // Where the block comes from the zone's list position, the moved zone's subnet keeps its predecessor's block.
    if (!subnet.changes.some((c) => c.path === "cidrBlock")) {
      expect(report).toMatch(/aws:ec2\/subnet:Subnet ingest-us-east-1-public-2 \[us-east-1\], create-replacement: the API refuses it: InvalidSubnet\.Conflict/);
      expect(report).toContain("https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateSubnet.html");
    } else {
      expect(diff.rehearsal.refusals.map((r) => r.error)).not.toContainEqual(expect.stringMatching(/^InvalidSubnet\.Conflict/));
    }
    expect(report).toMatch(/aws:lb\/loadBalancer:LoadBalancer ingest-us-east-1-nlb \[us-east-1\], delete-replaced: the API refuses it: OperationNotPermitted/);
  });
});
