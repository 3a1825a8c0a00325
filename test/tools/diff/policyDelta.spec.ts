/**
 * The policy delta pairs the findings of two plans by policy, resource and subject: findings of the
 * real response-size policy on a zone before and after a change.
 */
import { describe, expect, it } from "vitest";
import { enforceResponseSize } from "../../../policies/dns/enforceResponseSize";
import { diffPolicy, PlanJson } from "../../../tools/diff/planDiff";
import { runStackPolicy, Subject } from "../../policies/harness";

const ns = ["ns-1234.awsdns-12.com", "ns-567.awsdns-12.net", "ns-1024.awsdns-12.org", "ns-1536.awsdns-12.co.uk"];
const addresses = (n: number) => Array.from({ length: n }, (_, i) => `192.0.2.${i + 1}`);
const urn = (name: string) => `urn:pulumi:prod::edge::edge:dns:DnsZones$aws:route53/record:Record::${name}`;

/** A zone whose `api` and `collect` names answer with `api` and `collect` addresses. */
function zone(api: number, collect: number): Subject[] {
  return [
    { type: "aws:route53/zone:Zone", name: "dns-route53", urn: "urn:pulumi:prod::edge::aws:route53/zone:Zone::dns-route53", props: { name: "example.com", nameServers: ns } },
    ...(
      [
        ["api", api],
        ["collect", collect],
      ] as const
    ).map(([name, n]) => ({
      type: "aws:route53/record:Record",
      name: `dns-route53-a-${name}`,
      urn: urn(`dns-route53-a-${name}`),
      props: { zoneId: "Z0", name: `${name}.example.com`, type: "A", ttl: 60, records: addresses(n) },
    })),
  ];
}

/** The plan of `subjects` as `npm run plan -- --json` writes it, judged by the response-size policy. */
async function plan(subjects: Subject[]): Promise<PlanJson> {
  const findings = await runStackPolicy(enforceResponseSize, subjects);
  return {
    stack: "prod",
    resources: subjects.map((s) => ({ urn: s.urn!, type: s.type, name: s.name!, parent: "", custom: true, region: null, inputs: s.props, dependencies: [] })),
    violations: findings.map((f) => ({ policyName: enforceResponseSize.name, enforcementLevel: "mandatory", urn: f.urn ?? "", subject: f.subject, message: f.message })),
  };
}

describe("the policy delta", () => {
  it("puts each oversized answer on its record, with the query as its subject", async () => {
    const { violations } = await plan(zone(30, 5));
    expect(violations).toMatchObject([{ urn: urn("dns-route53-a-api"), subject: "api.example.com A (route53)" }]);
  });

  it("shows a change that fixes one DNS answer and breaks another as one fixed and one new finding", async () => {
    const delta = diffPolicy(await plan(zone(30, 5)), await plan(zone(5, 30)));
    expect(delta.changed).toEqual([]);
    expect(delta.fixed).toMatchObject([{ subject: "api.example.com A (route53)", resource: "aws:route53/record:Record dns-route53-a-api" }]);
    expect(delta.added).toMatchObject([{ subject: "collect.example.com A (route53)", resource: "aws:route53/record:Record dns-route53-a-collect" }]);
  });

  it("shows an answer that stays oversized with another size as changed, with the base message", async () => {
    const delta = diffPolicy(await plan(zone(30, 5)), await plan(zone(31, 5)));
    expect(delta.added).toEqual([]);
    expect(delta.fixed).toEqual([]);
    expect(delta.changed).toHaveLength(1);
    expect(delta.changed[0]!.before).toMatch(/Drop \d+ A records \(30 → \d+\)/);
    expect(delta.changed[0]!.message).toMatch(/Drop \d+ A records \(31 → \d+\)/);
  });
});
