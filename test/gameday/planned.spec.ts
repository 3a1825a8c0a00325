/**
 * What the game day takes from the plan: the timers scaled by one rule (none below 1 s, counts
 * kept), the model's prediction over the scaled resources, and the planned nginx.conf placed on a
 * twin host with nothing but its listen address and paths changed.
 */
import { describe, expect, it } from "vitest";
import { readRenderedDrainSeconds } from "../../models/capacity/declared";
import { recoveryReport, worstByMode } from "../../models/recovery";
import { resourceTypes } from "../../models/resourceTypes";
import { snippetDelivery } from "../../models/snippet/delivery";
import { scaledSeconds, scalePlannedTimers, scaleRetry } from "../../gameday/planned";
import { rewriteNginxPaths } from "../../gameday/twin";
import { sampleResources } from "../models/recovery/fixtures";

const figure = (resources: ReturnType<typeof sampleResources>, mode: string) => worstByMode(recoveryReport(resources, scaleRetry(snippetDelivery.retry, 0.2), { route53ProbeTimeoutSeconds: 1.2 })).find((f) => f.mode === mode)!;

describe("game day's scaled plan", () => {
  it("scales timers, never below 1 s, and keeps thresholds", () => {
    expect([scaledSeconds(60, 0.2), scaledSeconds(5, 0.2), scaledSeconds(2, 0.2), scaledSeconds(6, 0.2)]).toEqual([12, 1, 1, 1.2]);
    const scaled = scalePlannedTimers(sampleResources(), 0.2);
    const tg = scaled.find((r) => r.type === resourceTypes.lbTargetGroup)!;
    expect(tg.props.healthCheck).toEqual({ interval: 2, unhealthyThreshold: 2, timeout: 1 });
    expect(tg.props.deregistrationDelay).toBe(12);
    expect(scaled.find((r) => r.type === resourceTypes.route53HealthCheck)!.props).toEqual({ requestInterval: 2, failureThreshold: 3 });
    expect(readRenderedDrainSeconds(String(scaled.find((r) => r.type === resourceTypes.ec2LaunchTemplate)!.props.userData))).toBe(12);
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

describe("the planned nginx.conf on a twin host", () => {
  const planned = `user www-data;\npid /run/nginx.pid;\nerror_log /var/log/nginx/error.log warn;\nhttp {\n    access_log /var/log/nginx/access.log;\n    proxy_temp_path /var/lib/nginx/proxy;\n    server {\n        listen 80 default_server;\n        location = /http-check {\n            access_log off;\n            if (-f /var/run/edge/drain) {\n                return 404;\n            }\n        }\n    }\n}\n`;

  it("rewrites only the listen address and the paths", () => {
    expect(rewriteNginxPaths(planned, { address: "198.18.1.10", dir: "/tmp/h", drainFile: "/tmp/h/drain", accessLog: "/tmp/disk/access.log" })).toBe(
      `user root;\npid /tmp/h/nginx.pid;\nerror_log /tmp/h/error.log warn;\nhttp {\n    access_log /tmp/disk/access.log;\n    proxy_temp_path /tmp/h/proxy;\n    server {\n        listen 198.18.1.10:80 default_server;\n        location = /http-check {\n            access_log off;\n            if (-f /tmp/h/drain) {\n                return 404;\n            }\n        }\n    }\n}\n`,
    );
  });

  it("refuses a config without a directive it must rewrite", () => {
    expect(() => rewriteNginxPaths(planned.replace(/\s*listen[^;]*;/, ""), { address: "198.18.1.10", dir: "/tmp/h", drainFile: "/tmp/h/drain", accessLog: "/tmp/disk/access.log" })).toThrow(
      "the planned nginx.conf has no listen directive the twin can rewrite",
    );
  });
});
