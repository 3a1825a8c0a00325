/**
 * The DNS hygiene policies through the pack's own analyzer server, on the prod plan's resources:
 * the plan as it is passes all four, and one hand edit per policy is refused by that policy alone.
 */
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runPolicyPack } from "../../../tools/plan/analyzer";
import type { PlannedResource } from "../../../tools/plan/evaluate";
import { resourceTypes } from "../../../models/resourceTypes";
import { PlanRun, projectRoot, runPlan } from "../../support/runPlan";

let prod: PlanRun;

beforeAll(() => {
  prod = runPlan(["--stack", "prod"]);
});

type Edit = (r: { type: string; name: string; inputs: Record<string, any> }) => Record<string, any> | undefined;

/** The prod plan's resources as the engine sends them, each edited by `edit` (undefined drops it); plus `extra`. */
function planned(edit: Edit, extra: PlannedResource[] = []): PlannedResource[] {
  const out: PlannedResource[] = [];
  for (const r of prod.json!.resources) {
    const inputs = r.type === resourceTypes.cloudflareZone ? { ...r.inputs, nameServers: prod.json!.stackOutputs!.secondaryNameServers } : r.inputs;
    const edited = edit({ type: r.type, name: r.name, inputs });
    if (!edited) continue;
    out.push({
      ...r,
      provider: "",
      region: r.region ?? undefined,
      inputs: edited,
      outputs: edited,
      propertyDependencies: {},
      options: { protect: false, deleteBeforeReplace: false, ignoreChanges: [], additionalSecretOutputs: [], retainOnDelete: false },
    } as PlannedResource);
  }
  return [...out, ...extra];
}

const hygienePolicies = new Set(["missing-caa", "missing-dmarc", "disallow-dangling-records", "disallow-half-signed-zone"]);

async function refused(resources: PlannedResource[]): Promise<string[]> {
  const run = await runPolicyPack({ packDir: join(projectRoot, "policies"), stack: "prod", project: "edge", resources });
  return run.violations.filter((v) => v.enforcementLevel === "mandatory" && hygienePolicies.has(v.policyName)).map((v) => `${v.policyName}: ${v.message.split(":")[0]}`);
}

describe("DNS hygiene policies through the analyzer server", () => {
  it("refuses each hand edit with its own policy, and passes the prod plan as it is", async () => {
    expect(prod.code).toBe(0);
    expect(await refused(planned((r) => r.inputs))).toEqual([]);
    const edits: [string, Edit, PlannedResource[]?][] = [
      ["CAA dropped from Cloudflare", (r) => (r.type === resourceTypes.cloudflareDnsRecord && r.inputs.type === "CAA" ? undefined : r.inputs)],
      ["DMARC p=none in Route 53", (r) => (r.type === resourceTypes.route53Record && r.name === "dns-route53-txt-_dmarc" ? { ...r.inputs, records: ["v=DMARC1; p=none"] } : r.inputs)],
      [
        "the CDN name at a bucket website no resource of the stack has",
        (r) => (r.type === resourceTypes.route53Record && r.name === "dns-route53-cname-cdn" ? { ...r.inputs, records: ["cdn-old.example.com.s3-website-us-east-1.amazonaws.com"] } : r.inputs),
      ],
    ];
    const signing = {
      ...planned((r) => r.inputs)[0],
      urn: "urn:pulumi:prod::edge::aws:route53/hostedZoneDnsSec:HostedZoneDnsSec::dnssec",
      type: resourceTypes.route53HostedZoneDnsSec,
      name: "dnssec",
      parent: "",
      inputs: { hostedZoneId: "Z" },
      outputs: { hostedZoneId: "Z" },
    } as PlannedResource;
    edits.push(["Route 53 DNSSEC signing", (r) => r.inputs, [signing]]);
    const results: Record<string, string[]> = {};
    for (const [what, edit, extra] of edits) results[what] = await refused(planned(edit, extra));
    expect(results).toEqual({
      "CAA dropped from Cloudflare": ["missing-caa: example.com (cloudflare) has no CAA record"],
      "DMARC p=none in Route 53": ["missing-dmarc: _dmarc.example.com (route53) publishes p=none, expected p=reject (the apex has a null MX"],
      "the CDN name at a bucket website no resource of the stack has": ["disallow-dangling-records: cdn.example.com CNAME (route53) points at cdn-old.example.com.s3-website-us-east-1.amazonaws.com"],
      "Route 53 DNSSEC signing": [
        "disallow-half-signed-zone: Route 53 DNSSEC signing for example.com, which 2 providers hold (a signed zone allows 1 unless every provider publishes every signer's keys)",
      ],
    });
  }, 240_000);
});
