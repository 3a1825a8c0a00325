import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { PlanRun, prodPolicyConfigPath, runPlanOnConfig, stackConfig } from "../../../support/runPlan";

/** prod with the seed's 29 addresses on a name in both providers (`events`), `collect` a CNAME in front. */
let run: PlanRun;

beforeAll(() => {
  const config = stackConfig("prod");
  const addresses = Array.from({ length: 29 }, (_, i) => `198.51.100.${i + 1}`);
  config["edge:dns"].records = [...(config["edge:dns"].records ?? []), { name: "events", type: "A", values: addresses }];
  config["edge:dns"].aliases = [...config["edge:dns"].aliases, { name: "collect", target: "events" }];
  run = runPlanOnConfig(config);
}, 180_000);

describe("plan sections: DNS records and DNS answers", () => {
  it("lists both providers' records", () => {
    const records = run.stdout.split("== DNS records ==")[1].split("==")[0];
    // Active-active: both zones' apex NS sets list Route 53's four and Cloudflare's two.
    expect(records).toContain("route53 (example.com, 6 NS), plus 4 ACM validation records:");
    expect(records).toContain("cloudflare (example.com, 6 NS):");
    expect(records).toContain("decide.example.com 60 CNAME api.example.com");
  });

  it("turns red with every answer's size and the byte count over the limit", () => {
    const answers = run.stdout.split("== DNS answers ==")[1].split("== Policies ==")[0];
    expect(answers).toMatch(/route53 \(UDP without EDNS, authority NS included; limit 512 B\):/);
    expect(answers).toMatch(/ {2}@ TXT: \d+ B, \d+ B headroom/);
    expect(answers).toMatch(/ {2}events A: \d+ B, OVER the limit by \d+ B/);
    expect(answers).toMatch(/ {2}collect A \(via CNAME\): \d+ B, OVER the limit by \d+ B/);
    expect(run.code).toBe(1);
    const sizes = run.json!.violations.filter((v) => v.policyName === "enforce-response-size");
    const queries = sizes.map((v) => /^[a-z.]+\.example\.com [A-Z]+ .*?answered by \w+/.exec(v.message)?.[0].replace(/ \(through.*\)/, ""));
    expect(queries.sort()).toEqual([
      // Asked for itself, and NODATA through it (TXT: the chain and the SOA), the CNAME carries its
      // target's 29 addresses in the additional section, as the providers document it (sized as always sent).
      "collect.example.com A answered by cloudflare",
      "collect.example.com A answered by route53",
      "collect.example.com CNAME answered by cloudflare",
      "collect.example.com CNAME answered by route53",
      "collect.example.com TXT answered by cloudflare",
      "collect.example.com TXT answered by route53",
      "events.example.com A answered by cloudflare",
      "events.example.com A answered by route53",
    ]);
  });

  it("sizes against the limit the response-size policy is configured with", () => {
    const dir = mkdtempSync(join(tmpdir(), "edge-answer-limit-"));
    try {
      const policyConfig = join(dir, "policy.json");
      const waivers = JSON.parse(readFileSync(prodPolicyConfigPath, "utf8"));
      // The declared record's address is the team's own, outside the stack: the policy config says so (disallow-foreign-addresses).
      writeFileSync(policyConfig, JSON.stringify({ ...waivers, "enforce-response-size": { maxUdpAnswerBytes: 1232 }, "disallow-foreign-addresses": { externalAddresses: ["198.51.100.1"] } }));
      const config = stackConfig("prod");
      config["edge:dns"].records = [...(config["edge:dns"].records ?? []), { name: "events", type: "A", values: ["198.51.100.1"] }];
      const edns = runPlanOnConfig(config, ["--policy-config", policyConfig]);
      const answers = edns.stdout.split("== DNS answers ==")[1].split("== Policies ==")[0];
      expect(answers).toMatch(/route53 \(UDP with EDNS, OPT record, authority NS included; limit 1232 B\):/);
      expect(answers).toMatch(/ {2}events A: \d+ B, room for \d{2} more A records/);
      expect(edns.code).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});
