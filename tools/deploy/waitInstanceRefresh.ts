/**
 * npm run wait-instance-refresh -- --outputs OUTPUTS.json --since ISO-TIME [--timeout-minutes N]
 *
 * Waits for every region's instance refresh a deploy started (at or after --since) to end, reading
 * the groups from `pulumi stack output --json` and each group's refreshes with the AWS CLI
 * (`aws autoscaling describe-instance-refreshes`). Exit 0: each ended Successful, or none started.
 * 1: one failed, was cancelled or rolled back, or still ran at the timeout. 2: bad arguments.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { parseCommandLine } from "../cli";
import { groupsOfOutputs, InstanceRefresh, judgeRefreshes } from "./instanceRefresh";

const usage = "usage: npm run wait-instance-refresh -- --outputs OUTPUTS.json --since ISO-TIME [--timeout-minutes N]";

function describeRefreshes(region: string, asgName: string): InstanceRefresh[] {
  const run = spawnSync("aws", ["autoscaling", "describe-instance-refreshes", "--region", region, "--auto-scaling-group-name", asgName, "--output", "json"], { encoding: "utf8" });
  if (run.status !== 0) throw new Error(`aws autoscaling describe-instance-refreshes (${region} ${asgName}) failed: ${run.stderr.trim()}`);
  return (JSON.parse(run.stdout) as { InstanceRefreshes?: InstanceRefresh[] }).InstanceRefreshes ?? [];
}

async function main(argv: string[]): Promise<number> {
  const parsed = parseCommandLine(argv, { outputs: { type: "string" }, since: { type: "string" }, "timeout-minutes": { type: "string", default: "60" } }, usage);
  if (typeof parsed === "number") return parsed;
  const { outputs, since, "timeout-minutes": timeout } = parsed.values as { outputs?: string; since?: string; "timeout-minutes": string };
  const start = since ? new Date(since) : undefined;
  const minutes = Number(timeout);
  if (!outputs || !start || Number.isNaN(start.getTime()) || !(minutes > 0)) {
    process.stderr.write(`--outputs, --since (an ISO time) and a positive --timeout-minutes are required\n${usage}\n`);
    return 2;
  }
  const groups = groupsOfOutputs(JSON.parse(readFileSync(outputs, "utf8")));
  const deadline = Date.now() + minutes * 60_000;
  const pending = new Map(groups.map((g) => [g.asgName, g]));
  const failures: string[] = [];
  while (pending.size > 0) {
    for (const group of [...pending.values()]) {
      const verdict = judgeRefreshes(describeRefreshes(group.region, group.asgName), start);
      if (verdict.state === "running") continue;
      pending.delete(group.asgName);
      if (verdict.state === "failed") failures.push(verdict.message);
      process.stdout.write(`${group.region} ${group.asgName}: ${verdict.state === "none" ? "no instance refresh started" : `instance refresh ${verdict.refresh.Status}`}\n`);
    }
    if (pending.size === 0) break;
    if (Date.now() > deadline) {
      failures.push(`instance refreshes still running after ${minutes} min: ${[...pending.keys()].join(", ")}`);
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 30_000));
  }
  for (const failure of failures) process.stderr.write(`${failure}\n`);
  return failures.length > 0 ? 1 : 0;
}

main(process.argv.slice(2)).then((code) => process.exit(code));
