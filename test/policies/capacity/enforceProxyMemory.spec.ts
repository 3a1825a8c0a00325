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
      "ingest-us-east-1-hosts: nginx's worst case 867 MiB (2 workers × 8192 connections with 1k + 4 × 8k header buffers) + service reserve 1024 MiB = 1891 MiB, " +
        "above 80% of t3.micro's 1024 MiB (819 MiB). Smallest fix: edge:ingest.instanceType t3.micro → t3.medium. " +
        incident,
    ]);
  });

  it("offers fewer worker connections when that alone fits", async () => {
    expect(await runResourcePolicy(enforceProxyMemory, launchTemplate({ workerConnections: 65536 }, "c6i.large"))).toEqual([
      "ingest-us-east-1-hosts: nginx's worst case 6824 MiB (2 workers × 65536 connections with 1k + 4 × 8k header buffers) + service reserve 1024 MiB = 7848 MiB, " +
        "above 80% of c6i.large's 4096 MiB (3277 MiB). " +
        "Smallest fix: edge:ingest.instanceType c6i.large → c6i.2xlarge, or edge:nginx.workerConnections 65536 → 19433. " +
        incident,
    ]);
  });

  it("takes the share from the policy config", async () => {
    const subject = launchTemplate();
    subject.props.instanceType = "t3.medium";
    expect(await runResourcePolicy(enforceProxyMemory, subject, { maxMemoryPercent: 30 })).toHaveLength(1);
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

  it("leaves launch templates without the capacity tags alone", async () => {
    const subject = launchTemplate();
    subject.props.tags = {};
    subject.props.instanceType = "t3.nano";
    expect(await runResourcePolicy(enforceProxyMemory, subject)).toEqual([]);
  });
});
