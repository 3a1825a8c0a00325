import { beforeAll, describe, expect, it } from "vitest";
import { PlanRun, runPlanOnConfig, stackConfig } from "../../../support/runPlan";

/** prod with the seed's 29 addresses on the ingest name in both providers, `decide` a CNAME in front. */
let run: PlanRun;

beforeAll(() => {
  const config = stackConfig("prod");
  const addresses = Array.from({ length: 29 }, (_, i) => `198.51.100.${i + 1}`);
  config["edge:dns"].records = [...config["edge:dns"].records, { name: "api", type: "A", values: addresses }];
  run = runPlanOnConfig(config);
}, 180_000);

describe("plan sections: DNS records and DNS answers", () => {
  it("lists both providers' records", () => {
    const records = run.stdout.split("== DNS records ==")[1].split("==")[0];
    expect(records).toContain("route53 (example.com, 4 NS)");
    expect(records).toContain("cloudflare (example.com, 2 NS):");
    expect(records).toContain("decide.example.com 60 CNAME api.example.com");
  });

  it("turns red with every answer's size and the byte count over the limit", () => {
    const answers = run.stdout.split("== DNS answers ==")[1].split("== Policies ==")[0];
    expect(answers).toMatch(/route53 \(UDP without EDNS, authority NS included; limit 512 B\):/);
    expect(answers).toMatch(/ {2}@ TXT: \d+ B, \d+ B headroom/);
    expect(answers).toMatch(/ {2}api A: \d+ B, OVER the limit by \d+ B/);
    expect(answers).toMatch(/ {2}decide A \(via CNAME\): \d+ B, OVER the limit by \d+ B/);
    expect(run.code).toBe(1);
    const sizes = run.json!.violations.filter((v) => v.policyName === "enforce-response-size");
    const queries = sizes.map((v) => /[a-z.]+\.example\.com A .*answered by \w+/.exec(v.message)?.[0].replace(/ \(through.*\)/, ""));
    expect(queries.sort()).toEqual([
      "api.example.com A answered by cloudflare",
      "api.example.com A answered by route53",
      "decide.example.com A answered by cloudflare",
      "decide.example.com A answered by route53",
    ]);
  });
});
