/**
 * What the game day takes from the plan: the timers scaled by one rule (none below 1 s, counts
 * kept), the model's prediction over the scaled resources, and a release's user data for a booted
 * twin host with nothing but its env file's named lines changed.
 */
import { describe, expect, it } from "vitest";
import { readRenderedDrainSeconds } from "../../models/capacity/declared";
import { recoveryReport, worstByMode } from "../../models/recovery";
import { resourceTypes } from "../../models/resourceTypes";
import { snippetDelivery } from "../../models/snippet/delivery";
import { scaledSeconds, scalePlannedTimers, scaleRetry } from "../../gameday/planned";
import { withReleaseEnv } from "../../gameday/bootedHost";
import { decodeUserData, encodeUserData, readWrittenFile } from "../../models/hostEdge";
import { sampleResources } from "../models/recovery/fixtures";

const figure = (resources: ReturnType<typeof sampleResources>, mode: string) =>
  worstByMode(recoveryReport(resources, scaleRetry(snippetDelivery.retry, 0.2), { route53ProbeTimeoutSeconds: 1.2 })).find((f) => f.mode === mode)!;

describe("game day's scaled plan", () => {
  it("scales timers, never below 1 s, and keeps thresholds", () => {
    expect([scaledSeconds(60, 0.2), scaledSeconds(5, 0.2), scaledSeconds(2, 0.2), scaledSeconds(6, 0.2)]).toEqual([12, 1, 1, 1.2]);
    const scaled = scalePlannedTimers(sampleResources(), 0.2);
    const tg = scaled.find((r) => r.type === resourceTypes.lbTargetGroup)!;
    expect(tg.inputs.healthCheck).toEqual({ interval: 2, unhealthyThreshold: 2, timeout: 1 });
    expect(tg.inputs.deregistrationDelay).toBe(12);
    expect(scaled.find((r) => r.type === resourceTypes.route53HealthCheck)!.inputs).toEqual({ requestInterval: 2, failureThreshold: 3 });
    expect(readRenderedDrainSeconds(String(scaled.find((r) => r.type === resourceTypes.ec2LaunchTemplate)!.inputs.userData))).toBe(12);
    expect(scaleRetry(snippetDelivery.retry, 0.2)).toMatchObject({ requestTimeoutMs: snippetDelivery.retry.requestTimeoutMs, maxEventAgeMs: snippetDelivery.retry.maxEventAgeMs });
  });

  it("predicts from the scaled resources: a dead host 2 × 2 + 1 = 5 s; a lost region 2 × 3 + 1.2 + 12 = 19.2 s", () => {
    const scaled = scalePlannedTimers(sampleResources(), 0.2);
    expect(figure(scaled, "hostDies").recoverySeconds).toBe(5);
    expect(figure(scaled, "regionLost").recoverySeconds).toBe(19.2);
    // Not a timer of a resource: nginx's read timeout stays as planned.
    expect(figure(scaled, "serviceFreezes").recoverySeconds).toBe(6);
  });
});

describe("a release's launch template version for a booted twin host", () => {
  const userData = encodeUserData(
    `#cloud-config\nwrite_files:\n  - path: /etc/edge/ingest.env\n    permissions: "0644"\n    content: |\n      INGEST_POOL_SIZE=16\n      INGEST_COLLECTOR_PATH=/track\n  - path: /etc/nginx/nginx.conf\n    content: |\n      worker_processes auto;\nruncmd:\n  - [systemctl, start, nginx]\n`,
  );

  it("changes only the env file's lines the release names, and keeps the rest of the user data", () => {
    const release = withReleaseEnv(userData, { INGEST_COLLECTOR_PATH: "/v2/collect", INGEST_NEW: "1" });
    expect(readWrittenFile(release, "/etc/edge/ingest.env")).toBe("INGEST_POOL_SIZE=16\nINGEST_COLLECTOR_PATH=/v2/collect\nINGEST_NEW=1\n");
    expect(readWrittenFile(release, "/etc/nginx/nginx.conf")).toBe(readWrittenFile(userData, "/etc/nginx/nginx.conf"));
    expect(decodeUserData(release)).toMatch(/^#cloud-config\n/);
    expect(decodeUserData(release)).toContain("runcmd:");
    expect(withReleaseEnv(userData, {})).toBe(userData);
  });

  it("refuses user data that writes no env file", () => {
    expect(() => withReleaseEnv(encodeUserData("#cloud-config\nruncmd: []\n"), { INGEST_COLLECTOR_PATH: "/v2" })).toThrow("the user data writes no /etc/edge/ingest.env");
  });
});
