import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { DnsZones } from "../../components/dnsZones";
import { recordsFromResources } from "../../models/dns/compare";
import { zoneViews } from "../../models/dns/zoneView";
import { resourceTypes } from "../../models/resourceTypes";
import type { PlannedResource } from "../../tools/plan/evaluate";
import { mockRuntime, ofType } from "../support/mockRuntime";

let resources: PlannedResource[];
let registrar: { created: string[]; adopted: string[] };
const accountId = "0".repeat(32);

beforeAll(async () => {
  const runtime = await mockRuntime();
  const created = new DnsZones("created", { domain: "example.com", secondary: { accountId } });
  const adopted = new DnsZones("adopted", { domain: "example.org", existingZoneId: "Z0123456789ABCDEFGHIJ", secondary: { accountId, mode: "hot-standby" } });
  resources = await runtime.settle();
  registrar = await new Promise((resolve) => pulumi.all([created.registrarNameServers, adopted.registrarNameServers]).apply(([c, a]) => resolve({ created: c, adopted: a })));
});

const named = (prefix: string) => resources.filter((r) => r.name.startsWith(prefix));

describe("DnsZones, created", () => {
  it("puts the Route 53 zone on a reusable delegation set, replaced delete-first", () => {
    const [set] = ofType(named("created"), resourceTypes.route53DelegationSet);
    const [zone] = ofType(named("created"), resourceTypes.route53Zone);
    expect(set.inputs).toMatchObject({ referenceName: "example.com" });
    expect(zone.inputs.delegationSetId).toBe(set.outputs.id);
    // Route 53 refuses a second zone of one name on one delegation set.
    expect(zone.options.deleteBeforeReplace).toBe(true);
    expect(zone.outputs.nameServers).toEqual(set.outputs.nameServers);
  });

  it("runs active-active by default: the registrar lists both providers, and both apex NS sets list all six", () => {
    const [zone] = ofType(named("created"), resourceTypes.route53Zone);
    const [cloudflareZone] = ofType(named("created"), resourceTypes.cloudflareZone);
    const all = [...(zone.outputs.nameServers as string[]), ...(cloudflareZone.outputs.nameServers as string[])];
    expect(registrar.created).toEqual(all);
    expect(ofType(named("created"), resourceTypes.cloudflareZoneDnsSettings)[0].inputs).toMatchObject({ multiProvider: true });
    const apexNs = recordsFromResources(named("created").map((r) => ({ type: r.type, inputs: r.outputs as Record<string, any> }))).filter((r) => r.type === "NS");
    expect(apexNs.map((r) => [r.provider, r.values])).toEqual([
      ["route53", [...all].sort()],
      ["cloudflare", [...all].sort()],
    ]);
    // The answers' authority sections carry the six servers, and are sized with them.
    const views = zoneViews(named("created").map((r) => ({ type: r.type, inputs: r.outputs as Record<string, any> })));
    expect(views.map((v) => v.nameServers.length)).toEqual([6, 6]);
  });
});

describe("DnsZones, what the providers' APIs accept", () => {
  it("gives Cloudflare's apex NS records a TTL Cloudflare accepts (at most 86,400 s), and Route 53's its two days", () => {
    const cloudflareTtls = ofType(named("created"), resourceTypes.cloudflareDnsRecord).map((r) => r.inputs.ttl);
    expect(cloudflareTtls).toEqual([86400, 86400, 86400, 86400]);
    expect(ofType(named("created"), resourceTypes.route53Record).map((r) => r.inputs.ttl)).toEqual([172800]);
  });

  it("deletes a created zone with the records the stack leaves in it (forceDestroy), so its delete and replace complete", () => {
    const [zone] = ofType(named("created"), resourceTypes.route53Zone);
    expect(zone.inputs.forceDestroy).toBe(true);
    // An adopted zone is never deleted by the stack: nothing to force.
    expect(ofType(named("adopted"), resourceTypes.route53Zone)[0].inputs.forceDestroy).toBeUndefined();
  });
});

describe("DnsZones, adopted", () => {
  it("imports the existing zone instead of creating one, keeps its comment and never deletes it", () => {
    const [zone] = ofType(named("adopted"), resourceTypes.route53Zone);
    // What an existing zone may carry that the program cannot know: an import that declared it would fail.
    expect(zone.options).toMatchObject({ importId: "Z0123456789ABCDEFGHIJ", retainOnDelete: true, ignoreChanges: ["comment", "tags", "delegationSetId"] });
    expect(zone.inputs.delegationSetId).toBeUndefined();
    expect(ofType(named("adopted"), resourceTypes.route53DelegationSet)).toEqual([]);
  });

  it("in hot-standby lists Route 53 alone at the registrar and publishes no extra apex NS", () => {
    const [zone] = ofType(named("adopted"), resourceTypes.route53Zone);
    expect(registrar.adopted).toEqual(zone.outputs.nameServers);
    expect(ofType(named("adopted"), resourceTypes.route53Record)).toEqual([]);
    expect(ofType(named("adopted"), resourceTypes.cloudflareDnsRecord)).toEqual([]);
    expect(ofType(named("adopted"), resourceTypes.cloudflareZoneDnsSettings)[0].inputs).toMatchObject({ multiProvider: false });
  });
});
