import { describe, expect, it } from "vitest";
import { enforceProxyMemory } from "../../../policies/capacity/enforceProxyMemory";
import { runResourcePolicy } from "../harness";
import { launchTemplate } from "./samples";
import { incidentNote } from "../../../models/incidents";

const incident = incidentNote("proxyMemory");

describe("enforce-proxy-memory", () => {
  it("accepts the shipped prod hosts: c6i.xlarge with 8192 worker connections", async () => {
    expect(await runResourcePolicy(enforceProxyMemory, launchTemplate())).toEqual([]);
  });

  it("refuses an instance type too small for the nginx buffers, with the numbers and a type that fits", async () => {
    const subject = launchTemplate();
    subject.props.instanceType = "t3.micro";
    expect(await runResourcePolicy(enforceProxyMemory, subject)).toEqual([
      "ingest-us-east-1-hosts: nginx's worst case 2593 MiB (2 workers × 8192 connections, each priced at its costliest state: 3718 proxied requests (limit_conn) " +
        "with their buffers and sockets, 8948 other connections each holding 1k + 4 × 8k header buffers and 64 header lines (288 MiB of buffers), " +
        "4096 in the accept queue; 869 MiB of it kernel socket memory) + service reserve 1024 MiB = 3617 MiB, " +
        "above 80% of t3.micro's 1024 MiB (819 MiB). Smallest fix: edge:ingest.instanceType t3.micro → t3.large. " +
        incident,
    ]);
  });

  it("refuses worker_connections 27,157 on c6i.xlarge and 5,128 on t3.small: what hostile clients make real nginx hold there does not fit", async () => {
    const [xlarge] = await runResourcePolicy(enforceProxyMemory, launchTemplate({ workerConnections: 27157 }));
    expect(xlarge).toContain("nginx's worst case 15002 MiB (4 workers × 27157 connections");
    expect(xlarge).toContain("above 80% of c6i.xlarge's 8192 MiB (6554 MiB). Smallest fix: ");
    expect(xlarge).toContain("edge:nginx.workerConnections 27157 → 9964");
    const [small] = await runResourcePolicy(enforceProxyMemory, launchTemplate({ workerConnections: 5128 }, "t3.small"));
    expect(small).toContain("nginx's worst case 1695 MiB (2 workers × 5128 connections");
    expect(small).toContain("above 80% of t3.small's 2048 MiB (1638 MiB). Smallest fix: ");
    expect(small).toContain("edge:nginx.workerConnections 5128 → 1444");
    // The fixes it names fit.
    expect(await runResourcePolicy(enforceProxyMemory, launchTemplate({ workerConnections: 9964 }))).toEqual([]);
    expect(await runResourcePolicy(enforceProxyMemory, launchTemplate({ workerConnections: 1444 }, "t3.small"))).toEqual([]);
  });

  it("prices what a hand-edited template leaves at nginx's and the kernel's defaults, and names the bounds the rendered one sets", async () => {
    const subject = launchTemplate();
    const text = Buffer.from(String(subject.props.userData), "base64").toString("utf8");
    subject.props.userData = Buffer.from(
      text
        .replace(/^\s*max_headers \d+;\n/m, "")
        .replace(/ backlog=\d+ rcvbuf=\w+ sndbuf=\w+;/, ";")
        .replace(/^\s*net\.ipv4\.tcp_wmem = .*\n/m, ""),
    ).toString("base64");
    const [message] = await runResourcePolicy(enforceProxyMemory, subject);
    expect(message).toContain("1000 header lines");
    expect(message).toContain(
      "Smallest fix: render the user data with models/hostEdge (renderUserData): it bounds what this one leaves at nginx's and the kernel's defaults, " +
        "max_headers 1000 → 64, listen rcvbuf (a client's receive buffer autotunes to 6 MiB) → 16k, listen sndbuf → 16k, net.ipv4.tcp_wmem max 4194304 → 65536",
    );
  });

  it("offers fewer worker connections when that alone fits", async () => {
    expect(await runResourcePolicy(enforceProxyMemory, launchTemplate({ workerConnections: 65536 }, "c6i.large"))).toEqual([
      "ingest-us-east-1-hosts: nginx's worst case 20405 MiB (2 workers × 65536 connections, each priced at its costliest state: 29523 proxied requests (limit_conn) " +
        "with their buffers and sockets, 72026 other connections each holding 1k + 4 × 8k header buffers and 64 header lines (2321 MiB of buffers), " +
        "29523 in the accept queue; 6790 MiB of it kernel socket memory) + service reserve 1024 MiB = 21429 MiB, " +
        "above 80% of c6i.large's 4096 MiB (3277 MiB). " +
        "Smallest fix: edge:nginx.workerConnections 65536 → 7031. " +
        incident,
    ]);
  });

  it("offers smaller header buffers first when they fit (incident 000's own fix: no new type, no fewer connections)", async () => {
    const [message] = await runResourcePolicy(enforceProxyMemory, launchTemplate({ workerConnections: 8192 }, "t3.medium"));
    expect(message).toContain("Smallest fix: edge:nginx.largeClientHeaderBuffers 4 × 8k → 2 × 8k ");
    expect(message).toContain("(the cheapest: same instance type and connections; headers above it get 494), or edge:ingest.instanceType t3.medium → t3.large");
  });

  it("takes the share from the policy config", async () => {
    const subject = launchTemplate();
    expect(await runResourcePolicy(enforceProxyMemory, subject, { maxMemoryPercent: 60 })).toHaveLength(1);
    expect(await runResourcePolicy(enforceProxyMemory, subject, { maxMemoryPercent: 80 })).toEqual([]);
  });

  it("refuses an instance type the table does not know and says how to add it", async () => {
    const subject = launchTemplate();
    subject.props.instanceType = "x9z.huge";
    expect(await runResourcePolicy(enforceProxyMemory, subject)).toEqual([
      "ingest-us-east-1-hosts: instance type x9z.huge is not in the capacity table, so its memory cannot be judged against nginx's worst case. " +
        "Use a known type or add its vCPUs and memory to models/capacity/instanceTypes.ts (sizesByFamily or explicitTypes). " +
        incident,
    ]);
  });

  it("refuses hand-edited user data without the nginx limits", async () => {
    const subject = launchTemplate();
    subject.props.userData = Buffer.from("#!/bin/sh\napt-get install -y nginx\n").toString("base64");
    expect(await runResourcePolicy(enforceProxyMemory, subject)).toEqual([
      "ingest-us-east-1-hosts: its user data has no nginx worker_connections, client_header_buffer_size, large_client_header_buffers, " +
        "so nginx's worst-case memory cannot be judged. Render the user data with models/hostEdge (renderUserData). " +
        incident,
    ]);
  });

  it("refuses a config whose descriptor limit is below what its connections need (EMFILE before 503)", async () => {
    const subject = launchTemplate();
    const text = Buffer.from(String(subject.props.userData), "base64").toString("utf8");
    subject.props.userData = Buffer.from(text.replace(/^(\s*)worker_rlimit_nofile \d+;$/m, "$1worker_rlimit_nofile 8192;")).toString("base64");
    const expected =
      "ingest-us-east-1-hosts: nginx's descriptor limit is worker_rlimit_nofile 8192, below the 12352 a worker needs for worker_connections 8192 " +
      "(every slot, a body temp file per two slots, 64 for logs and listeners): it fails with EMFILE before limit_conn answers 503. " +
      "Smallest fix: worker_rlimit_nofile 12352 (render the user data with models/hostEdge). " +
      incident;
    expect(await runResourcePolicy(enforceProxyMemory, subject)).toEqual([expected]);
    subject.props.userData = Buffer.from(text.replace(/^\s*worker_rlimit_nofile \d+;$/m, "")).toString("base64");
    expect(await runResourcePolicy(enforceProxyMemory, subject)).toEqual([expected.replace("worker_rlimit_nofile 8192, below", "1024 (no worker_rlimit_nofile: Debian's unit default), below")]);
  });

  it("leaves launch templates without the capacity tags alone", async () => {
    const subject = launchTemplate();
    subject.props.tags = {};
    subject.props.instanceType = "t3.nano";
    expect(await runResourcePolicy(enforceProxyMemory, subject)).toEqual([]);
  });
});
