/**
 * STAND-IN for the CloudWatch agent, built by the host rehearsal (the real agent cannot be
 * downloaded where the rehearsal runs). It does what the edge needs of the real one: reads the
 * config the user data writes, publishes the host's memory, swap and disk use to CloudWatch
 * (PutMetricData, query protocol) and forwards the service's embedded-metric-format records from
 * UDP 25888 to CloudWatch Logs (the log group each record names), every call signed with the
 * role's credentials through the VPC's endpoints.
 */
import dgram from "node:dgram";
import { readFileSync, statfsSync } from "node:fs";
import os from "node:os";
import { metadata, say, signedPost } from "./host";

const configPath = "/opt/aws/amazon-cloudwatch-agent/etc/amazon-cloudwatch-agent.json";
const flushEveryMs = 10_000;

interface AgentConfig {
  metrics?: { namespace?: string };
  logs?: { metrics_collected?: { emf?: object } };
}

async function putHostMetrics(region: string, namespace: string, group: string): Promise<void> {
  const memory = 100 * (1 - os.freemem() / os.totalmem());
  const disk = statfsSync("/");
  const diskUsed = 100 * (1 - disk.bavail / disk.blocks);
  const form = new URLSearchParams({ Action: "PutMetricData", Version: "2010-08-01", Namespace: namespace });
  [
    ["mem_used_percent", memory],
    ["swap_used_percent", 0],
    ["disk_used_percent", diskUsed],
  ].forEach(([name, value], i) => {
    form.set(`MetricData.member.${i + 1}.MetricName`, String(name));
    form.set(`MetricData.member.${i + 1}.Value`, Number(value).toFixed(2));
    form.set(`MetricData.member.${i + 1}.Unit`, "Percent");
    form.set(`MetricData.member.${i + 1}.Dimensions.member.1.Name`, "AutoScalingGroupName");
    form.set(`MetricData.member.${i + 1}.Dimensions.member.1.Value`, group);
  });
  const answer = await signedPost("monitoring", region, { "content-type": "application/x-www-form-urlencoded; charset=utf-8" }, form.toString());
  say(`PutMetricData ${namespace}: ${answer.status}`);
}

async function putLogEvents(region: string, stream: string, records: string[]): Promise<void> {
  const byGroup = new Map<string, string[]>();
  for (const record of records) {
    const group = (JSON.parse(record) as { _aws?: { LogGroupName?: string } })._aws?.LogGroupName ?? "/aws/cwagent";
    byGroup.set(group, [...(byGroup.get(group) ?? []), record]);
  }
  for (const [group, messages] of byGroup) {
    const call = (action: string, body: object) => signedPost("logs", region, { "content-type": "application/x-amz-json-1.1", "x-amz-target": `Logs_20140328.${action}` }, JSON.stringify(body));
    await call("CreateLogStream", { logGroupName: group, logStreamName: stream });
    const answer = await call("PutLogEvents", { logGroupName: group, logStreamName: stream, logEvents: messages.map((message) => ({ timestamp: Date.now(), message })) });
    say(`PutLogEvents ${group} (${messages.length}): ${answer.status}`);
  }
}

async function main(): Promise<void> {
  const config = JSON.parse(readFileSync(configPath, "utf8")) as AgentConfig;
  const region = (await metadata("meta-data/placement/region")).trim();
  const instance = (await metadata("meta-data/instance-id")).trim();
  const group = (await metadata("meta-data/tags/instance/aws:autoscaling:groupName").catch(() => "unknown")).trim();
  const pending: string[] = [];
  if (config.logs?.metrics_collected?.emf) {
    const socket = dgram.createSocket("udp4");
    socket.on("message", (message) => pending.push(...message.toString("utf8").split("\n").filter(Boolean)));
    socket.bind(25888, "127.0.0.1");
  }
  const flush = async () => {
    try {
      await putHostMetrics(region, config.metrics?.namespace ?? "CWAgent", group);
      if (pending.length) await putLogEvents(region, instance, pending.splice(0));
    } catch (error) {
      say(`flush failed: ${(error as Error).message}`);
    }
  };
  await flush();
  setInterval(flush, flushEveryMs);
}

main().catch((error: Error) => {
  say(`stand-in CloudWatch agent: ${error.message}`);
  process.exit(1);
});
