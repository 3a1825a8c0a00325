import { describe, expect, it } from "vitest";
import type { DeclaredResource } from "../../../models/declaredResource";
import { connectStormTiming, failureModeTable, failureModes, RecoveryFigure, recoveryReport, worstByMode } from "../../../models/recovery";
import { renderUserData } from "../../../models/hostEdge";
import { resourceTypes } from "../../../models/resourceTypes";
import { incidentNote } from "../../../models/incidents";
import { judgeRecoveryTime, recoveryTimeBounds } from "../../../policies/recovery/enforceRecoveryTime";
import { resolveBounds } from "../../../policies/config";
import { sampleSettings } from "../hostEdge/fixtures";
import { sampleResources } from "./fixtures";

const of = (resources: DeclaredResource[], mode: RecoveryFigure["mode"]) => worstByMode(recoveryReport(resources)).find((f) => f.mode === mode);
/** The sample region with its launch template's user data rendered (and edited), as the plan renders it. */
const rendered = (edit: (text: string) => string = (t) => t) =>
  sampleResources().map((r) => (r.type === resourceTypes.ec2LaunchTemplate ? { ...r, inputs: { ...r.inputs, userData: edit(renderUserData(sampleSettings())) } } : r));

describe("connect storm timing", () => {
  it("a storm the accept queue holds waits only for nginx to accept it", () => {
    expect(connectStormTiming(1000, 4096, 2000)).toMatchObject({ seconds: 0.5, rounds: 0, queuedAtOnce: 1000, gaveUp: 0 });
  });

  it("8,000 connects at once against nginx's default backlog 511: the excess waits out SYN resends at 1, 3, 7, 15, 31, 63 s, and some give up at 127 s", () => {
    // 511 per round (the queue, drained between rounds): 7 rounds take 3,577; the other 4,423 fail.
    const t = connectStormTiming(8000, 511, 2000);
    expect(t).toMatchObject({ rounds: 6, lastRoundAtSeconds: 63, gaveUp: 8000 - 7 * 511, seconds: 127 });
  });

  it("8,000 connects at once against a 4,096 queue: one host takes them in two resend rounds (1 s, 3 s), then drains the queue", () => {
    // 4,096 at once; by 1 s nginx accepted 2,000, so 2,000 more get in; by 3 s the rest (1,904).
    expect(connectStormTiming(8000, 4096, 2000)).toMatchObject({ rounds: 2, lastRoundAtSeconds: 3, drainedAfterLastRound: 2000, seconds: 4, gaveUp: 0 });
  });
});

describe("connect storm failure mode", () => {
  it("is a row of the failure-mode table, as every mode is, once", () => {
    expect(failureModeTable.map((r) => r.mode).sort()).toEqual([...failureModes].sort());
    expect(failureModeTable.find((r) => r.mode === "connectStorm")!.per).toBe("region");
  });

  it("the rendered backlog (4,096) holds the storm of the region's 3 hosts × limit_conn 1,843 over its 3 hosts: nginx accepts 1,843 at 2,000/s", () => {
    const f = of(rendered(), "connectStorm")!;
    expect(f.terms.map((t) => t.seconds)).toEqual([0, 0.922]);
    expect(f.recoverySeconds).toBe(0.922);
    expect(f.terms[0]!.source).toMatch(
      /listen backlog=4096, net\.core\.somaxconn=4096, net\.ipv4\.tcp_max_syn_backlog=4096 \(queue 4096\) ≥ 1843 connects per host \(its own minSize=3 of hosts × limit_conn 1843 = 5529 connects ÷ minSize=3 of hosts\)/,
    );
    expect(f.eventsLost).toBe(0);
    expect(f.notes.join(" ")).toMatch(/no event is lost/);
    expect(of(sampleResources(), "connectStorm")).toBeUndefined();
  });

  it("nginx's default backlog (511) overflows: 1,843 per host take SYN resends at 1, 3 and 7 s, 7.155 s, refused above 5 s with the backlog to raise", () => {
    const resources = rendered((t) => t.replace(/ backlog=\d+/, ""));
    const f = of(resources, "connectStorm")!;
    expect(f.terms.map((t) => t.seconds)).toEqual([7, 0.155]);
    expect(f.terms[0]!.label).toBe("the storm overflows the accept queue: the connects beyond it wait out 3 SYN resends (1 s, 3 s, 7 s… tcp_syn_retries)");
    const findings = judgeRecoveryTime(recoveryReport(resources), resolveBounds(recoveryTimeBounds, {})).filter((x) => x.subject.startsWith("connectStorm"));
    expect(findings).toHaveLength(1);
    expect(findings[0]!.message).toContain("When a reconnect storm after a region failover (us-east-1), traffic is served again after 7.155 s, above the 5 s bound (maxConnectStormSeconds).");
    expect(findings[0]!.message).toContain(
      "Smallest fix: raise the listen backlog and net.core.somaxconn to at least 1843 (models/hostEdge/buffers.ts listenBacklog), or raise minSize of hosts so each host takes fewer.",
    );
    expect(findings[0]!.message).toContain(incidentNote("regionFailure"));
    // The rendered backlog is within the bound: no finding.
    expect(judgeRecoveryTime(recoveryReport(rendered()), resolveBounds(recoveryTimeBounds, {})).filter((x) => x.subject.startsWith("connectStorm"))).toEqual([]);
  });
});
