/**
 * Mock provider answers for the offline plan: realistic, deterministic ids and computed outputs
 * (ARNs, load balancer DNS names, CloudFront domains, Route 53 name servers, Elastic IPs from the
 * TEST-NET ranges), so the program's `apply`s see values shaped like a real `pulumi up` returns.
 *
 * Every answer is derived from the resource's type and name alone: the same program gives the
 * same plan, which the plan diff relies on.
 */
import { createHash } from "node:crypto";
import type * as pulumi from "@pulumi/pulumi";
import { invokeTokens, resourceTypes } from "../../models/resourceTypes";

export const mockAccountId = "123456789012";

/** Hex digest of the parts; `length` characters. */
export function stableHex(length: number, ...parts: string[]): string {
  return createHash("sha256").update(parts.join("\u0000")).digest("hex").slice(0, length);
}

function stableId(prefix: string, length: number, ...parts: string[]): string {
  return prefix + stableHex(length, ...parts);
}

/** `aws:lb/loadBalancer:LoadBalancer` → `lb` */
function awsService(type: string): string {
  return type.split(":")[1]?.split("/")[0] ?? "unknown";
}

/** `aws:lb/loadBalancer:LoadBalancer` → `loadbalancer` */
function awsKind(type: string): string {
  return (type.split(":")[2] ?? "resource").toLowerCase();
}

/** The engine's autoname: the logical name and 7 hex characters. */
function autoName(name: string): string {
  return `${name}-${stableHex(7, name)}`;
}

/** Addresses reserved for documentation (RFC 5737): never routable, safe in a plan. */
const testNetPrefixes = ["192.0.2", "198.51.100", "203.0.113"];

/** Hands out TEST-NET addresses by name; a collision takes the next free one, so addresses are unique. */
class TestNetAddresses {
  private readonly used = new Map<string, string>();
  private readonly taken = new Set<string>();

  addressFor(key: string): string {
    const known = this.used.get(key);
    if (known) return known;
    const slots = testNetPrefixes.length * 254;
    let slot = parseInt(stableHex(8, key), 16) % slots;
    for (let tries = 0; tries < slots; tries++, slot = (slot + 1) % slots) {
      const address = `${testNetPrefixes[Math.floor(slot / 254)]}.${(slot % 254) + 1}`;
      if (!this.taken.has(address)) {
        this.taken.add(address);
        this.used.set(key, address);
        return address;
      }
    }
    throw new Error(`the offline plan ran out of TEST-NET addresses (${slots}); the plan declares more static addresses than it can model`);
  }
}

/** Four Route 53-shaped name servers, one per TLD as Route 53 assigns them. */
function route53NameServers(seed: string): string[] {
  const n = parseInt(stableHex(4, seed), 16);
  return [`ns-${n % 512}.awsdns-${n % 64}.com`, `ns-${512 + (n % 512)}.awsdns-${n % 64}.net`, `ns-${1024 + (n % 512)}.awsdns-${n % 64}.org`, `ns-${1536 + (n % 512)}.awsdns-${n % 64}.co.uk`];
}

/** A UUID-shaped id, as CloudFront gives policies. */
function uuidFrom(name: string): string {
  const h = stableHex(32, name);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

type Outputs = Record<string, unknown>;
type OutputsFor = (args: pulumi.runtime.MockResourceArgs, region: string, addresses: TestNetAddresses) => Outputs;

/** Computed outputs by type token, beyond the generic `id`, `arn` and echoed inputs. */
const resourceOutputs: Record<string, OutputsFor> = {
  // A zone on a reusable delegation set has the set's four name servers.
  [resourceTypes.route53DelegationSet]: ({ name }) => {
    const id = stableId("N0", 18, name).toUpperCase();
    return { id, nameServers: route53NameServers(id), arn: `arn:aws:route53:::delegationset/${id}` };
  },
  [resourceTypes.route53Zone]: ({ name, inputs }) => {
    const nameServers = route53NameServers(inputs.delegationSetId ?? name);
    return {
      zoneId: stableId("Z0", 18, name).toUpperCase(),
      nameServers,
      primaryNameServer: nameServers[0],
      arn: `arn:aws:route53:::hostedzone/${stableId("Z0", 18, name).toUpperCase()}`,
      name: inputs.name,
    };
  },
  [resourceTypes.route53Record]: ({ inputs }) => ({ fqdn: inputs.name }),
  [resourceTypes.route53HealthCheck]: ({ name }) => {
    const id = stableHex(8, name) + "-" + stableHex(4, name, "a") + "-4" + stableHex(3, name, "b");
    return { id, arn: `arn:aws:route53:::healthcheck/${id}` };
  },
  [resourceTypes.lbLoadBalancer]: ({ name }, region) => ({
    dnsName: `${name.slice(0, 20)}-${stableHex(16, name)}.elb.${region}.amazonaws.com`,
    zoneId: "Z26RNL4JYFTOTI",
    arnSuffix: `net/${name.slice(0, 20)}/${stableHex(16, name)}`,
  }),
  // A gateway endpoint exposes its service's AWS-managed prefix list (`pl-…`); interface endpoints have none.
  [resourceTypes.ec2VpcEndpoint]: ({ inputs }) => (inputs.vpcEndpointType === "Gateway" ? { prefixListId: stableId("pl-", 8, String(inputs.serviceName)) } : {}),
  [resourceTypes.lbTargetGroup]: ({ name }) => ({ arnSuffix: `targetgroup/${name.slice(0, 20)}/${stableHex(16, name)}` }),
  [resourceTypes.ec2Eip]: ({ name }, _region, addresses) => ({
    publicIp: addresses.addressFor(name),
    allocationId: stableId("eipalloc-", 17, name),
  }),
  [resourceTypes.s3Bucket]: ({ name, inputs }, region) => {
    // Pulumi auto-names a bucket `<name>-<7 hex>`; S3 ARNs carry neither region nor account.
    const bucket: string = inputs.bucket ?? `${name}-${stableHex(7, name)}`;
    return {
      id: bucket,
      bucket,
      arn: `arn:aws:s3:::${bucket}`,
      bucketDomainName: `${bucket}.s3.amazonaws.com`,
      bucketRegionalDomainName: `${bucket}.s3.${region}.amazonaws.com`,
      hostedZoneId: "Z3AQBSTGFYJSTF",
    };
  },
  [resourceTypes.s3BucketObjectv2]: ({ name, inputs }) => ({
    etag: stableHex(32, name, String(inputs.content ?? "")),
    versionId: stableHex(32, name, "version"),
  }),
  [resourceTypes.cloudfrontOriginAccessControl]: ({ name }) => ({ id: stableId("E", 13, name).toUpperCase() }),
  [resourceTypes.cloudfrontCachePolicy]: ({ name }) => ({ id: uuidFrom(name) }),
  [resourceTypes.cloudfrontResponseHeadersPolicy]: ({ name }) => ({ id: uuidFrom(name) }),
  [resourceTypes.cloudfrontDistribution]: ({ name }) => ({
    id: stableId("E", 13, name).toUpperCase(),
    arn: `arn:aws:cloudfront::${mockAccountId}:distribution/${stableId("E", 13, name).toUpperCase()}`,
    domainName: `d${stableHex(13, name)}.cloudfront.net`,
    hostedZoneId: "Z2FDTNDATAQYW2",
    status: "Deployed",
    etag: stableHex(14, name).toUpperCase(),
  }),
  [resourceTypes.acmCertificate]: ({ name, inputs }) => {
    const names: string[] = [inputs.domainName, ...(inputs.subjectAlternativeNames ?? [])].filter(Boolean);
    return {
      status: "ISSUED",
      domainValidationOptions: names.map((domainName) => ({
        domainName,
        resourceRecordName: `_${stableHex(32, name, domainName)}.${domainName}.`,
        resourceRecordType: "CNAME",
        resourceRecordValue: `_${stableHex(32, domainName, name)}.jkddzztszm.acm-validations.aws.`,
      })),
    };
  },
  // Autonamed as the engine would (`<name>-<7 hex>`): the program reads these names back.
  [resourceTypes.autoscalingGroup]: ({ name, inputs }) => ({ name: inputs.name ?? autoName(name) }),
  [resourceTypes.iamRole]: ({ name, inputs }) => ({ name: inputs.name ?? autoName(name), uniqueId: stableId("AROA", 17, name).toUpperCase() }),
  [resourceTypes.ec2LaunchTemplate]: ({ name, inputs }) => ({ name: inputs.name ?? autoName(name), latestVersion: 1, defaultVersion: 1 }),
  // CloudWatch Logs ARNs name the group; the provider drops the `:*` suffix the API returns.
  [resourceTypes.cloudwatchLogGroup]: ({ name, inputs }, region) => {
    const groupName: string = inputs.name ?? autoName(name);
    return { name: groupName, arn: `arn:aws:logs:${region}:${mockAccountId}:log-group:${groupName}` };
  },
  [resourceTypes.cloudflareZone]: ({ name }) => ({
    id: stableHex(32, name),
    nameServers: ["ada.ns.cloudflare.com", "bob.ns.cloudflare.com"],
    status: "active",
  }),
  [resourceTypes.cloudflareDnsRecord]: ({ name }) => ({ id: stableHex(32, name) }),
};

/** Results of provider functions (invokes) by token. */
const invokeResults: Record<string, (inputs: Record<string, any>, defaultRegion: string) => Record<string, unknown>> = {
  [invokeTokens.getAvailabilityZones]: (inputs, defaultRegion) => {
    const region = inputs.region ?? defaultRegion;
    const letters = ["a", "b", "c", "d", "e", "f"];
    return {
      names: letters.map((l) => `${region}${l}`),
      zoneIds: letters.map(
        (_, i) =>
          `${region
            .split("-")
            .map((p: string) => p.slice(0, 3))
            .join("")}-az${i + 1}`,
      ),
      region,
    };
  },
  [invokeTokens.getCallerIdentity]: () => ({
    accountId: mockAccountId,
    arn: `arn:aws:iam::${mockAccountId}:user/plan`,
    userId: "AIDAPLANOFFLINE",
  }),
  [invokeTokens.getRegion]: (inputs, defaultRegion) => ({ name: inputs.region ?? defaultRegion, region: inputs.region ?? defaultRegion }),
  [invokeTokens.getPartition]: () => ({ partition: "aws", dnsSuffix: "amazonaws.com" }),
  [invokeTokens.ssmGetParameter]: (inputs) => ({
    name: inputs.name,
    type: "String",
    value: stableId("ami-", 17, inputs.name),
    insecureValue: stableId("ami-", 17, inputs.name),
  }),
  [invokeTokens.ec2GetAmi]: (inputs) => ({ id: stableId("ami-", 17, JSON.stringify(inputs)), imageId: stableId("ami-", 17, JSON.stringify(inputs)) }),
};

/** Whether the offline plan answers the provider function `token` (an invoke) as its provider would. */
export function answersInvoke(token: string): boolean {
  return token in invokeResults;
}

/** Marks the refusal of a program that calls a provider function the plan cannot answer (`isUnansweredInvoke`). */
export const unansweredInvokeMarker = "which the offline plan cannot answer";

/** Why a program that calls `token` cannot be planned offline, and what to do instead. */
export function unansweredInvokeMessage(token: string): string {
  return (
    `the program calls the provider function ${token}, ${unansweredInvokeMarker}: no cloud is reachable here, and tools/plan/mocks.ts ` +
    `(invokeResults) has no answer for it, so the plan cannot know what the program would declare. Write the value into the program ` +
    `(e.g. a policy document as JSON, as the components do), or add an answer to invokeResults that returns what the provider returns.`
  );
}

/** True for the error of a program that called a provider function the plan cannot answer: bad input (exit 2), not a crash. */
export function isUnansweredInvoke(err: unknown): boolean {
  return err instanceof Error && err.message.includes(unansweredInvokeMarker);
}

/** Global AWS services have no region; the rest are planned in their `region` input or the provider's. */
const globalServices = new Set(["route53", "cloudfront", "iam"]);

export function resourceRegion(type: string, inputs: Record<string, unknown>, defaultRegion: string): string | undefined {
  if (!type.startsWith("aws:")) return undefined;
  if (globalServices.has(awsService(type))) return undefined;
  return typeof inputs.region === "string" ? inputs.region : defaultRegion;
}

/**
 * Outputs that are not invented: what the mocks echo of the inputs (`region`, `tagsAll`), states
 * (`status`), and CloudFront's alias zone, which AWS documents as one fixed id.
 */
const notInvented = new Set(["region", "tagsAll", "status", "latestVersion", "defaultVersion"]);
const fixedOutputs: Record<string, Set<string>> = { [resourceTypes.cloudfrontDistribution]: new Set(["hostedZoneId"]) };

/** Each string leaf of `value` with its path under `path`. */
function stringLeaves(value: unknown, path: string, out: [string, string][]): [string, string][] {
  if (typeof value === "string") out.push([path, value]);
  else if (Array.isArray(value)) value.forEach((v, i) => stringLeaves(v, `${path}[${i}]`, out));
  else if (value && typeof value === "object") for (const [k, v] of Object.entries(value)) stringLeaves(v, path ? `${path}.${k}` : k, out);
  return out;
}

/**
 * Records the values the mocks invent for a resource (its id and the computed outputs not echoed
 * from its inputs) as `invented(value, what)`: a real deploy gets them from the provider, so a
 * plan that prints them must call them placeholders.
 */
function recordInvented(args: pulumi.runtime.MockResourceArgs, id: string, computed: Outputs, invented: (value: string, of: string) => void): void {
  const given = new Set(stringLeaves(args.inputs, "", []).map(([, v]) => v));
  const what = `${args.type} ${args.name}`;
  const fixed = fixedOutputs[args.type];
  if (!given.has(id)) invented(id, `id of ${what}`);
  for (const [key, value] of Object.entries(computed)) {
    if (notInvented.has(key) || fixed?.has(key)) continue;
    for (const [path, leaf] of stringLeaves(value, key, [])) if (leaf.length >= 8 && !given.has(leaf)) invented(leaf, `${path} of ${what}`);
  }
}

/**
 * Pulumi mocks answering like the AWS and Cloudflare providers would after a `pulumi up`; each
 * value they invent is told to `invented` (the plan JSON lists them as placeholders).
 */
export function planMocks(defaultRegion: string, invented: (value: string, of: string) => void = () => undefined): pulumi.runtime.Mocks {
  const addresses = new TestNetAddresses();
  return {
    newResource(args) {
      if (!args.custom) return { id: undefined, state: args.inputs };
      const region = resourceRegion(args.type, args.inputs, defaultRegion) ?? "";
      const generic: Outputs = args.type.startsWith("aws:")
        ? {
            arn: `arn:aws:${awsService(args.type)}:${region}:${mockAccountId}:${awsKind(args.type)}/${args.name}-${stableHex(8, args.name)}`,
            ...(region ? { region } : {}),
            tagsAll: args.inputs.tags ?? {},
          }
        : {};
      const specific = resourceOutputs[args.type]?.(args, region, addresses) ?? {};
      const state = { ...generic, ...args.inputs, ...specific };
      const id = typeof specific.id === "string" ? specific.id : stableId(`${awsKind(args.type).slice(0, 8)}-`, 17, args.type, args.name);
      recordInvented(args, id, { ...generic, ...specific }, invented);
      return { id, state };
    },
    call(args) {
      const answer = invokeResults[args.token];
      if (!answer) throw new Error(unansweredInvokeMessage(args.token));
      return answer(args.inputs, defaultRegion);
    },
  };
}
