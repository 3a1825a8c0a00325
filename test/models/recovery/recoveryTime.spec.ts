import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { DeclaredResource } from "../../../models/declaredResource";
import { RecoveryFigure, recoveryReport, spoolHoldSeconds, worstByMode } from "../../../models/recovery";
import { snippetObjects } from "../../../models/snippet/snippet";
import { readRenderedUpstream } from "../../../models/capacity/declared";
import { resourceTypes } from "../../../models/resourceTypes";
import { renderUserData } from "../../../models/hostEdge";
import { sampleSettings } from "../hostEdge/fixtures";
import { sampleResources } from "./fixtures";

const of = (resources: DeclaredResource[], mode: RecoveryFigure["mode"]) => worstByMode(recoveryReport(resources)).find((f) => f.mode === mode)!;

describe("recovery-time model", () => {
  it("a dead host: target group interval 10 × unhealthy threshold 2 + probe timeout 5 = 25 s; one of 3 hosts' share of 20,000 events/s", () => {
    const f = of(sampleResources(), "hostDies");
    expect(f.detectSeconds).toBe(25);
    expect(f.recoverySeconds).toBe(25);
    expect(f.eventsAtRisk).toBe(166_667); // 20,000 / 3 × 25
    expect(f.eventsLost).toBe(0);
    expect(f.dominant.source).toBe("aws:lb/targetGroup:TargetGroup targets healthCheck.interval=10 × healthCheck.unhealthyThreshold=2");
  });

  it("a lost region: health check 10 × 3 + Route 53's 6 s probe timeout + record TTL 60 = 96 s, the TTL dominant", () => {
    const f = of(sampleResources(), "regionLost");
    expect([f.detectSeconds, f.recoverySeconds]).toEqual([36, 96]);
    expect(f.eventsAtRisk).toBe(1_920_000); // one region: the whole peak × 96 s
    expect(f.dominant.source).toBe("aws:route53/record:Record a-api-us-east-1 ttl=60");
    expect(f.terms[0]!.source).toBe("aws:route53/healthCheck:HealthCheck dns-health-us-east-1 requestInterval=10 × failureThreshold=3");
  });

  it("the primary DNS provider lost in active-active: 4 silent Route 53 servers × 1 s, past the resolver's discard timeout, so the stub's 5 s resend", () => {
    const f = of(sampleResources(), "dnsPrimaryLost");
    expect(f.scope).toBe("dns (active-active)");
    expect(f.terms.map((t) => t.seconds)).toEqual([4, 1]);
    expect(f.recoverySeconds).toBe(5);
    expect(f.eventsLost).toBe(0);
  });

  it("hot-standby waits on the registrar and the parent's 48 h NS TTL, and events older than the snippet's one day are lost", () => {
    const f = of(sampleResources({ apexNs: ["ns-1.awsdns-1.com", "ns-2.awsdns-2.net", "ns-3.awsdns-3.org", "ns-4.awsdns-4.co.uk"] }), "dnsPrimaryLost");
    expect(f.scope).toBe("dns (hot-standby)");
    expect(f.recoverySeconds).toBe(172_860); // answer TTL 60 + NS TTL 172,800
    expect(f.eventsAtRisk).toBe(3_457_200_000); // 20,000 × 172,860
    // redelivery 10 s timeout + 1 s Retry-After + 60 s backoff cap = 71 s; expired: 172,860 + 71 − 86,400 = 86,531 s of events
    expect(f.eventsLost).toBe(1_730_620_000);
    expect(f.eventsRetried).toBe(3_457_200_000 - 1_730_620_000);
    expect(f.dominant.label).toMatch(/old delegation/);
  });

  it("the CDN's origin: CloudFront's defaults 10 s × 3 attempts, or the declared ones", () => {
    expect(of(sampleResources(), "cdnOriginFails").recoverySeconds).toBe(30);
    const declared = of(sampleResources({ origin: { connectionTimeout: 5, connectionAttempts: 2 } }), "cdnOriginFails");
    expect(declared.recoverySeconds).toBe(10);
    expect(declared.eventsAtRisk).toBeNull();
  });

  it("the datastore's primary: statement timeout 3 s + connect timeout 1 s (service defaults) + 1 s to fsync the batch to the spool and answer, within nginx's 5 s read, or the env file's", () => {
    const defaults = of(sampleResources(), "datastorePrimaryFails");
    expect(defaults.recoverySeconds).toBe(5);
    expect(defaults.notes.join(" ")).not.toMatch(/proxy_read_timeout/);
    const slow = of(sampleResources({ env: "      INGEST_DB_CONNECT_TIMEOUT_MS=3000\n" }), "datastorePrimaryFails");
    expect(slow.recoverySeconds).toBe(7);
    expect(slow.notes.join(" ")).toMatch(/longer than nginx's proxy_read_timeout 5s/);
    expect(slow.notes[0]).toMatch(/2 candidates/);
  });

  it("the datastore's primary: a search of the candidates that outlasts the insert's timeouts is the bound (2 candidates × 1 s against 0.5 s + 1 s)", () => {
    const quick = of(sampleResources({ env: "      INGEST_DB_STATEMENT_TIMEOUT_MS=500\n" }), "datastorePrimaryFails");
    expect(quick.recoverySeconds).toBe(3);
    expect(quick.dominant.label).toMatch(/searches the candidates/);
    expect(quick.dominant.source).toMatch(/2 candidates\) × INGEST_DB_CONNECT_TIMEOUT_MS unset/);
    expect(quick.notes[1]).toMatch(/gives up sooner, after 1.5 s/);
  });

  it("a dead service: nginx's refused connect fails over to the backup at once; without a backup, systemd's RestartSec", () => {
    const f = of(sampleResources(), "serviceDies");
    expect(f.recoverySeconds).toBe(0);
    expect(f.dominant.source).toMatch(/backup server, proxy_next_upstream_tries=2/);
    const withoutBackup = sampleResources().map((r) =>
      r.type === resourceTypes.ec2LaunchTemplate
        ? {
            ...r,
            inputs: {
              ...r.inputs,
              userData: `${String(r.inputs.userData).replace(/\n.*backup max_fails=0;/, "")}  - path: /etc/systemd/system/edge-ingest.service\n    content: |\n      RestartSec=1\n`,
            },
          }
        : r,
    );
    expect(of(withoutBackup, "serviceDies").recoverySeconds).toBe(1);
    expect(of(withoutBackup, "serviceDies").dominant.label).toMatch(/no backup process/);
  });

  it("a frozen service: nginx's event-path read timeout 5 s, then the other process's answer (1 s margin)", () => {
    const f = of(sampleResources(), "serviceFreezes");
    expect(f.recoverySeconds).toBe(6);
    expect(f.notes.join(" ")).toMatch(/max_fails=5 .* fail_timeout=5s/);
  });

  it("a stalled host: a connect storm queues for nginx (backlog 4096 ≥ the 1,875 requests limit_conn admits), then nginx gives up on both processes after 2 tries × 5 s", () => {
    const rendered = (edit: (text: string) => string = (t) => t, settings = sampleSettings()) =>
      sampleResources().map((r) => (r.type === resourceTypes.ec2LaunchTemplate ? { ...r, inputs: { ...r.inputs, userData: edit(renderUserData(settings)) } } : r));
    const f = of(rendered(), "hostStalls");
    expect(f.terms.map((t) => t.seconds)).toEqual([0, 10]);
    expect(f.recoverySeconds).toBe(10);
    expect(f.terms[0]!.source).toMatch(/listen backlog=4096, net\.core\.somaxconn=4096 \(queue 4096\) ≥ the 1875 requests limit_conn admits/);
    expect(f.notes.join(" ")).toMatch(/max_fails=5 .* the backup too: nginx then answers 503 at once/);
    // nginx's default backlog (511) overflows under such a storm: the client waits out a SYN retransmit.
    const shallow = of(
      rendered((t) => t.replace(/ backlog=\d+/, "")),
      "hostStalls",
    );
    expect(shallow.terms[0]).toMatchObject({ seconds: 1, label: "a connect storm overflows the accept queue: the client resends its SYN" });
    expect(shallow.recoverySeconds).toBe(11);
    expect(of(sampleResources(), "hostStalls")).toBeUndefined();
    // More worker_connections admit more requests than 4,096: the rendered backlog and somaxconn follow them.
    const wide = of(rendered(undefined, sampleSettings({ nginx: { workerConnections: 32768 } })), "hostStalls");
    expect(wide.terms[0]!.seconds).toBe(0);
    const [, backlog, somaxconn, served] = /listen backlog=(\d+), net\.core\.somaxconn=(\d+) \(queue \d+\) ≥ the (\d+) requests/.exec(wide.terms[0]!.source)!.map(Number);
    expect(served).toBeGreaterThan(4096);
    expect(backlog).toBeGreaterThanOrEqual(served!);
    expect(somaxconn).toBe(backlog);
  });

  it("a deploy: no gap while the drain (60 s) outlasts NLB detection (20 s); a 10 s drain leaves 10 s", () => {
    expect(of(sampleResources(), "deploy").recoverySeconds).toBe(0);
    expect(of(sampleResources({ drainSleep: 10 }), "deploy").recoverySeconds).toBe(10);
  });

  it("a lost zone: the slower of NLB detection and a client waiting out one request (10 s) plus the first retry (1 s)", () => {
    expect(of(sampleResources(), "azLost").recoverySeconds).toBe(25);
    expect(of(sampleResources({ healthCheck: { interval: 2, unhealthyThreshold: 2, timeout: 2 } }), "azLost").recoverySeconds).toBe(11);
  });
});

describe("nginx read-back for recovery", () => {
  it("reads the event path's timeouts and the primary's max_fails, and calls a value that is not an nginx time missing", () => {
    const userData = String(sampleResources().find((r) => r.type.includes("launchTemplate"))!.inputs.userData);
    expect(readRenderedUpstream(userData)).toEqual({
      upstream: { connectTimeoutSeconds: 1, readTimeoutSeconds: 5, tries: 2, maxFails: 5, failTimeoutSeconds: 5, deepHealthCheck: true, eventPath: "/track" },
    });
    expect(readRenderedUpstream(userData.replace("proxy_read_timeout 5s", "proxy_read_timeout 5x"))).toEqual({ missing: ["proxy_read_timeout"] });
    expect(readRenderedUpstream(userData.replace("proxy_connect_timeout 1s", "proxy_connect_timeout 1500ms"))).toMatchObject({ upstream: { connectTimeoutSeconds: 1.5 } });
  });
});

describe("deploy figure with a LifecycleHook resource", () => {
  it("caps the drain at the hook's heartbeat: heartbeat 10 s < NLB detection 20 s leaves 10 s", () => {
    const resources = sampleResources();
    resources.push({
      type: "aws:autoscaling/lifecycleHook:LifecycleHook",
      urn: "urn:pulumi:prod::edge::aws:autoscaling/lifecycleHook:LifecycleHook::drain",
      inputs: { region: "us-east-1", lifecycleTransition: "autoscaling:EC2_INSTANCE_TERMINATING", heartbeatTimeout: 10 },
    });
    const deploy = worstByMode(recoveryReport(resources)).find((f) => f.mode === "deploy")!;
    expect(deploy.recoverySeconds).toBe(10);
    expect(deploy.terms[0]!.source).toContain("aws:autoscaling/lifecycleHook:LifecycleHook drain heartbeatTimeout=10");
  });
});

describe("what the edge twin found beyond the first failure modes", () => {
  const withGroup = (resources: DeclaredResource[], inputs: Record<string, unknown>) =>
    resources.map((r) => (r.type === resourceTypes.autoscalingGroup ? { ...r, inputs: { ...r.inputs, ...inputs } } : r));

  it("one host per region: a dead or frozen host, or its zone, is the region lost (96 s), not the NLB's 25 s", () => {
    const resources = withGroup(sampleResources(), { minSize: 1 });
    for (const mode of ["hostDies", "hostFreezes", "azLost"] as const) {
      const f = of(resources, mode);
      expect(f.recoverySeconds, mode).toBe(96);
      expect(f.terms.map((t) => t.label)).toEqual(["Route 53 marks the region unhealthy", "the last probe times out", "resolvers drop the cached answer"]);
      expect(f.notes[0]).toMatch(/^minSize=1 of hosts: with no other healthy target the NLB fails open/);
    }
    // Two hosts: the NLB's way again.
    expect(of(withGroup(sampleResources(), { minSize: 2 }), "hostDies").recoverySeconds).toBe(25);
  });

  it("spools that fill: the region's way out (96 s), after they held free space ÷ the bytes a host spools per second", () => {
    const resources = sampleResources({ env: "      INGEST_SPOOL_MAX_BYTES=104857600\n" }).map((r) =>
      r.type === resourceTypes.ec2LaunchTemplate ? { ...r, inputs: { ...r.inputs, blockDeviceMappings: [{ ebs: { volumeSize: 16 } }] } } : r,
    );
    const f = of(resources, "spoolFull");
    expect(f.recoverySeconds).toBe(96);
    // 100 MiB × 80 % over (20,000 events/s ÷ 3 hosts × 32 KiB) = 0.384 s; with 1 KiB events 12.288 s.
    expect(f.notes[0]).toMatch(/^the spools hold a datastore outage of 0\.384 s at the peak with the largest events: free 80 MiB .*; 12\.288 s with 1024 B events$/);
    expect(spoolHoldSeconds(80 * 1024 ** 2, 20_000 / 3, 1024)).toBeCloseTo(12.288, 3);
  });

  it("the library cannot load: the loader's 4 attempts of its load timeout and backoff 1 + 2 + 4 s, every page's events at risk and kept", () => {
    const { loader } = snippetObjects(
      { loader: readFileSync(join(__dirname, "../../../assets/snippet/loader.js"), "utf8"), library: readFileSync(join(__dirname, "../../../assets/snippet/edge.js"), "utf8") },
      {
        cdnHost: "cdn.example.com",
        collectorUrl: "https://api.example.com/track",
        loadTimeoutMs: 4000,
      },
    );
    const resources = [
      ...sampleResources(),
      { type: resourceTypes.s3BucketObjectv2, urn: "urn:pulumi:prod::edge::aws:s3/bucketObjectv2:BucketObjectv2::cdn-loader", inputs: { key: "loader.js", content: loader.body } },
    ];
    const f = of(resources, "libraryUnavailable");
    expect(f.recoverySeconds).toBe(23); // 4 × 4 s + 1 + 2 + 4 s
    expect(f.eventsAtRisk).toBe(460_000); // the whole peak × 23 s, kept in the browsers' storage
    expect(f.eventsLost).toBe(0);
  });

  it("states what no figure counts: a visitor who leaves keeps the events only in their browser", () => {
    const { limits } = recoveryReport(sampleResources());
    expect(limits.join("\n")).toMatch(
      /a visitor who leaves the site while the edge is unreachable keeps the events not yet stored in the browser's localStorage; they are sent only if the visitor comes back to the site within 24 h/,
    );
  });
});
