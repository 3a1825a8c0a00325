/** The CloudWatch Logs and metrics stand-ins: signed writes accepted and counted, unsigned ones refused with the services' codes. */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Logs, type Monitoring, startLogs, startMonitoring } from "../../../../tools/rehearse/standins/cloudwatch";
import { CredentialStore } from "../../../../tools/rehearse/standins/identity";
import { signRequest, type SigningCredentials } from "../../../../tools/rehearse/standins/sigv4";
import { createTestCa, issueServerCertificate } from "../../../../tools/rehearse/standins/testCa";
import { type Reply, request } from "./support";

const region = "us-east-1";
const run = promisify(execFile);

describe("CloudWatch Logs and metrics", () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "edge-standins-cw-"));
  const store = new CredentialStore("123456789012");
  const role = store.issueRoleSession("edge-dev-host", "i-0aaaaaaaaaaaaaaa1");
  const ca = createTestCa(path.join(dir, "ca"));
  const cert = issueServerCertificate(ca, "cloudwatch", [`logs.${region}.amazonaws.com`, `monitoring.${region}.amazonaws.com`]);
  const caPem = readFileSync(ca.certFile);
  let logs: Logs;
  let monitoring: Monitoring;

  beforeAll(async () => {
    logs = await startLogs({ address: "127.0.0.1", port: 0, region, store, tls: cert, logGroups: ["/edge/dev/ingest"] });
    monitoring = await startMonitoring({ address: "127.0.0.1", port: 0, region, store, tls: cert });
  });
  afterAll(async () => {
    await logs?.stop();
    await monitoring?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const logsCall = (operation: string, input: unknown, credentials: SigningCredentials = role, now?: Date): Promise<Reply> => {
    const url = `https://logs.${region}.amazonaws.com/`;
    const body = JSON.stringify(input);
    const headers = signRequest({
      method: "POST",
      url,
      headers: { "content-type": "application/x-amz-json-1.1", "x-amz-target": `Logs_20140328.${operation}` },
      body,
      region,
      service: "logs",
      credentials,
      now,
    });
    return request(url, { method: "POST", headers, body, ca: caPem, connectTo: { address: "127.0.0.1", port: logs.port } });
  };
  const typeOf = (reply: Reply) => (JSON.parse(reply.body) as { __type?: string }).__type?.replace(/^.*#/, "");

  it("Logs: a stream created in the planned group takes events, in order; curl's own signing is accepted too", async () => {
    expect((await logsCall("CreateLogStream", { logGroupName: "/edge/dev/ingest", logStreamName: "i-0aaaaaaaaaaaaaaa1" })).status).toBe(200);
    const t = Date.now();
    const put = await logsCall("PutLogEvents", {
      logGroupName: "/edge/dev/ingest",
      logStreamName: "i-0aaaaaaaaaaaaaaa1",
      logEvents: [
        { timestamp: t, message: '{"_aws":{}}' },
        { timestamp: t + 1, message: "second" },
      ],
    });
    expect({ status: put.status, token: typeof (JSON.parse(put.body) as { nextSequenceToken?: string }).nextSequenceToken }).toEqual({ status: 200, token: "string" });
    const body = JSON.stringify({ logGroupName: "/edge/dev/ingest", logStreamName: "i-0aaaaaaaaaaaaaaa1", logEvents: [{ timestamp: t + 2, message: "from curl" }] });
    await run(
      "curl",
      [
        "-fsS",
        "--max-time",
        "30",
        "--cacert",
        ca.certFile,
        "--connect-to",
        `logs.${region}.amazonaws.com:443:127.0.0.1:${logs.port}`,
        "--aws-sigv4",
        `aws:amz:${region}:logs`,
        "--user",
        `${role.accessKeyId}:${role.secretAccessKey}`,
        "-H",
        `x-amz-security-token: ${role.sessionToken}`,
        "-H",
        "content-type: application/x-amz-json-1.1",
        "-H",
        "x-amz-target: Logs_20140328.PutLogEvents",
        "--data-binary",
        body,
        `https://logs.${region}.amazonaws.com/`,
      ],
      { timeout: 60_000 },
    );
    expect(logs.events("/edge/dev/ingest").map((e) => e.message)).toEqual(['{"_aws":{}}', "second", "from curl"]);
    const described = JSON.parse((await logsCall("DescribeLogStreams", { logGroupName: "/edge/dev/ingest" })).body) as { logStreams: { logStreamName: string; lastEventTimestamp: number }[] };
    expect(described.logStreams).toEqual([expect.objectContaining({ logStreamName: "i-0aaaaaaaaaaaaaaa1", lastEventTimestamp: t + 2 })]);
    expect(logs.requests.filter((r) => r.action.startsWith("PutLogEvents") && r.verdict === "OK")).toHaveLength(2);
  });

  it("Logs refuses as CloudWatch Logs does: missing group or stream, existing group, events out of order; events too old are rejected, not stored", async () => {
    expect(typeOf(await logsCall("PutLogEvents", { logGroupName: "/edge/dev/none", logStreamName: "s", logEvents: [{ timestamp: Date.now(), message: "x" }] }))).toBe("ResourceNotFoundException");
    const noStream = await logsCall("PutLogEvents", { logGroupName: "/edge/dev/ingest", logStreamName: "missing", logEvents: [{ timestamp: Date.now(), message: "x" }] });
    expect({ status: noStream.status, type: typeOf(noStream), message: (JSON.parse(noStream.body) as { message: string }).message }).toEqual({
      status: 400,
      type: "ResourceNotFoundException",
      message: "The specified log stream does not exist.",
    });
    expect(typeOf(await logsCall("CreateLogGroup", { logGroupName: "/edge/dev/ingest" }))).toBe("ResourceAlreadyExistsException");
    expect(typeOf(await logsCall("CreateLogStream", { logGroupName: "/edge/dev/none", logStreamName: "s" }))).toBe("ResourceNotFoundException");
    await logsCall("CreateLogStream", { logGroupName: "/edge/dev/ingest", logStreamName: "order" });
    const t = Date.now();
    expect(
      typeOf(
        await logsCall("PutLogEvents", {
          logGroupName: "/edge/dev/ingest",
          logStreamName: "order",
          logEvents: [
            { timestamp: t, message: "b" },
            { timestamp: t - 1, message: "a" },
          ],
        }),
      ),
    ).toBe("InvalidParameterException");
    const old = await logsCall("PutLogEvents", {
      logGroupName: "/edge/dev/ingest",
      logStreamName: "order",
      logEvents: [
        { timestamp: t - 15 * 86_400_000, message: "old" },
        { timestamp: t - 15 * 86_400_000 + 1, message: "old too" },
      ],
    });
    expect(JSON.parse(old.body)).toMatchObject({ rejectedLogEventsInfo: { tooOldLogEventEndIndex: 2 } });
    expect(logs.events("/edge/dev/ingest", "order")).toEqual([]);
    expect(typeOf(await logsCall("DeleteLogGroup", { logGroupName: "/edge/dev/ingest" }))).toBe("UnknownOperationException");
  });

  it("Logs refuses unsigned and badly signed calls: MissingAuthenticationTokenException, UnrecognizedClientException, InvalidSignatureException", async () => {
    const unsigned = await request(`https://logs.${region}.amazonaws.com/`, {
      method: "POST",
      headers: { "x-amz-target": "Logs_20140328.PutLogEvents", "content-type": "application/x-amz-json-1.1" },
      body: "{}",
      ca: caPem,
      connectTo: { address: "127.0.0.1", port: logs.port },
    });
    expect({ status: unsigned.status, type: typeOf(unsigned) }).toEqual({ status: 400, type: "MissingAuthenticationTokenException" });
    expect(typeOf(await logsCall("DescribeLogStreams", { logGroupName: "/edge/dev/ingest" }, { accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "x" }))).toBe("UnrecognizedClientException");
    expect(typeOf(await logsCall("DescribeLogStreams", { logGroupName: "/edge/dev/ingest" }, { ...role, secretAccessKey: "wrong" }))).toBe("InvalidSignatureException");
    const skewed = await logsCall("DescribeLogStreams", { logGroupName: "/edge/dev/ingest" }, role, new Date(Date.now() - 20 * 60_000));
    expect((JSON.parse(skewed.body) as { message: string }).message).toMatch(/^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 15 min\.\)$/);
  });

  const monitoringUrl = `https://monitoring.${region}.amazonaws.com/`;
  const putMetricData = (body: string | Buffer, headers: Record<string, string>, credentials: SigningCredentials = role, now?: Date): Promise<Reply> =>
    request(monitoringUrl, {
      method: "POST",
      headers: signRequest({ method: "POST", url: monitoringUrl, headers, body, region, service: "monitoring", credentials, now }),
      body,
      ca: caPem,
      connectTo: { address: "127.0.0.1", port: monitoring.port },
    });
  const form = (namespace: string) =>
    new URLSearchParams({
      Action: "PutMetricData",
      Version: "2010-08-01",
      Namespace: namespace,
      "MetricData.member.1.MetricName": "mem_used_percent",
      "MetricData.member.1.Value": "42.5",
      "MetricData.member.1.Unit": "Percent",
      "MetricData.member.1.Dimensions.member.1.Name": "AutoScalingGroupName",
      "MetricData.member.1.Dimensions.member.1.Value": "edge-dev-ingest",
    }).toString();
  const queryCode = (reply: Reply) => /<Code>([^<]*)<\/Code>/.exec(reply.body)?.[1];

  it("metrics: PutMetricData in the query form (plain and gzip-compressed, as the agent sends it) and in the JSON 1.0 form is accepted and its data points kept", async () => {
    const contentType = { "content-type": "application/x-www-form-urlencoded; charset=utf-8" };
    expect((await putMetricData(form("CWAgent"), contentType)).body).toContain("<PutMetricDataResponse");
    expect((await putMetricData(gzipSync(form("CWAgent")), { ...contentType, "content-encoding": "gzip" })).status).toBe(200);
    const json = await putMetricData(JSON.stringify({ Namespace: "Edge/Ingest", MetricData: [{ MetricName: "spooled", Value: 0, Dimensions: [{ Name: "Region", Value: region }] }] }), {
      "content-type": "application/x-amz-json-1.0",
      "x-amz-target": "GraniteServiceVersion20100801.PutMetricData",
    });
    expect({ status: json.status, body: json.body }).toEqual({ status: 200, body: "{}" });
    expect(monitoring.metrics()).toEqual([
      { namespace: "CWAgent", metricName: "mem_used_percent", value: 42.5, unit: "Percent", dimensions: { AutoScalingGroupName: "edge-dev-ingest" } },
      { namespace: "CWAgent", metricName: "mem_used_percent", value: 42.5, unit: "Percent", dimensions: { AutoScalingGroupName: "edge-dev-ingest" } },
      { namespace: "Edge/Ingest", metricName: "spooled", value: 0, unit: undefined, dimensions: { Region: region } },
    ]);
  });

  it("metrics refuses as CloudWatch does: unsigned (MissingAuthenticationToken), unknown key (InvalidClientTokenId), a skewed clock (SignatureDoesNotMatch), an AWS/ namespace (InvalidParameterValue)", async () => {
    const unsigned = await request(monitoringUrl, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: form("CWAgent"),
      ca: caPem,
      connectTo: { address: "127.0.0.1", port: monitoring.port },
    });
    expect({ status: unsigned.status, code: queryCode(unsigned) }).toEqual({ status: 403, code: "MissingAuthenticationToken" });
    const unknown = await putMetricData(form("CWAgent"), {}, { accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "x" });
    expect({ status: unknown.status, code: queryCode(unknown) }).toEqual({ status: 403, code: "InvalidClientTokenId" });
    const skewed = await putMetricData(form("CWAgent"), {}, role, new Date(Date.now() + 20 * 60_000));
    expect({ status: skewed.status, code: queryCode(skewed), message: /<Message>(Signature not yet current)/.exec(skewed.body)?.[1] }).toEqual({
      status: 403,
      code: "SignatureDoesNotMatch",
      message: "Signature not yet current",
    });
    const reserved = await putMetricData(form("AWS/EC2"), {});
    expect({ status: reserved.status, code: queryCode(reserved) }).toEqual({ status: 400, code: "InvalidParameterValue" });
    const unsignedJson = await request(monitoringUrl, {
      method: "POST",
      headers: { "content-type": "application/x-amz-json-1.0", "x-amz-target": "GraniteServiceVersion20100801.PutMetricData" },
      body: "{}",
      ca: caPem,
      connectTo: { address: "127.0.0.1", port: monitoring.port },
    });
    expect({ status: unsignedJson.status, type: typeOf(unsignedJson) }).toEqual({ status: 400, type: "MissingAuthenticationTokenException" });
    expect(monitoring.metrics()).toHaveLength(3);
  });
});
