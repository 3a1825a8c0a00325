/**
 * Instance metadata (IMDS) as an instance with `HttpTokens: required` sees it: IMDSv2 only.
 *
 * Followed: EC2 User Guide, "Use the Instance Metadata Service to access instance metadata" →
 * "How Instance Metadata Service Version 2 works" and "Error codes"
 * (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/instancedata-data-retrieval.html,
 * https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/configuring-instance-metadata-service.html):
 * - `PUT /latest/api/token` with `X-aws-ec2-metadata-token-ttl-seconds` of 1 to 21,600 answers a
 *   token (and echoes the TTL header); without a valid TTL: 400 ("Missing or Invalid Parameters");
 *   a PUT carrying `X-Forwarded-For` (a proxied request): 403.
 * - Every `GET` needs `X-aws-ec2-metadata-token` with a live token of this instance, else 401.
 * - An unknown path: 404; another method: 405.
 * - The PUT response's IP TTL is the hop limit (`HttpPutResponseHopLimit`, default 1): a container
 *   behind a bridge is one hop further and gets no token. Node cannot set a TCP socket's TTL, so the
 *   rehearsal sets it with {@link imdsHopLimitNftRules} in the stand-in's own network namespace.
 * Categories and formats: "Instance metadata categories"
 * (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/instancedata-data-categories.html) and
 * "Retrieve security credentials from instance metadata"
 * (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/instance-metadata-security-credentials.html):
 * the credentials document (`Code`, `LastUpdated`, `Type`, `AccessKeyId`, `SecretAccessKey`,
 * `Token`, `Expiration`) printed as EC2 prints it, `"Key" : "value"` one a line, which the hosts'
 * `sed` parses; new credentials at least 5 minutes before the old expire.
 * Auto Scaling's `autoscaling/target-lifecycle-state` ("Retrieve the target lifecycle state through
 * instance metadata", https://docs.aws.amazon.com/autoscaling/ec2/userguide/retrieving-target-lifecycle-state-through-imds.html).
 */
import { randomBytes } from "node:crypto";
import type { CredentialStore } from "./identity";
import type { HeaderPairs, KnownCredential } from "./sigv4";
import { type HttpAnswer, headerValue, type ListenOptions, type StandIn, startHttpStandIn } from "./standIn";

export const maxTokenTtlSeconds = 21_600;
/** IMDS hands out new role credentials at least this long before the current ones expire. */
const credentialRefreshMs = 15 * 60 * 1000;

export interface ImdsInstance {
  instanceId: string;
  /** The instance's primary private address (`local-ipv4`); by default also the address it calls from. */
  localIpv4: string;
  availabilityZone: string;
  /** The instance profile's role (`iam/security-credentials/`). */
  roleName: string;
  /** Defaults to the role's name. */
  instanceProfileName?: string;
  /** Defaults to `t3.small`. */
  instanceType?: string;
  /** Defaults to `ami-0123456789abcdef0`. */
  amiId?: string;
  /** Addresses this instance calls from; defaults to `[localIpv4]`. Each caller sees only its own instance, as on EC2. */
  callers?: string[];
  /** `autoscaling/target-lifecycle-state`; defaults to `InService`. */
  lifecycleState?: string;
  /**
   * How many of the instance's first requests under `iam/security-credentials/` answer 404, as
   * EC2's do for a few seconds after launch while the instance profile's credentials are issued
   * (counted, not timed, so a rehearsal's verdict does not hang on how fast its machine boots).
   * Defaults to 0.
   */
  credentialsMissingForRequests?: number;
  /**
   * The instance's tags under `tags/instance/`, served only when given: EC2 serves them when the
   * launch template sets `instanceMetadataTags: enabled` ("Work with instance tags in instance
   * metadata", EC2 User Guide), and an Auto Scaling group adds `aws:autoscaling:groupName`.
   */
  tags?: Record<string, string>;
}

export interface ImdsOptions extends ListenOptions {
  region: string;
  store: CredentialStore;
  instances: ImdsInstance[];
  /** The server's clock (tests move it to expire tokens). */
  now?: () => Date;
}

export interface Imds extends StandIn {
  /** What `autoscaling/target-lifecycle-state` answers from now on (e.g. `Terminated`, `Warmed:Stopped`). */
  setLifecycleState(instanceId: string, state: string): void;
  /** The role credentials the instance is served now. */
  credentialsOf(instanceId: string): KnownCredential;
}

/**
 * The nftables script that gives the metadata stand-in's answers the IP TTL `hopLimit`, for
 * `nft -f` in the stand-in's own network namespace (`ip netns exec NS nft -f FILE`); delete it with
 * `nft delete table ip <table>`. It applies to every packet of the stand-in, where EC2 applies the
 * limit to the token PUT's answer: a caller too many hops away then fails at connect instead of at
 * the PUT, and gets no token either way.
 */
export function imdsHopLimitNftRules(address: string, port: number, hopLimit: number, table = "edge_imds_hop_limit"): string {
  if (!Number.isInteger(hopLimit) || hopLimit < 1 || hopLimit > 64) throw new Error(`hopLimit: expected an integer from 1 to 64 (EC2's HttpPutResponseHopLimit), got ${hopLimit}`);
  return [
    `table ip ${table} {`,
    "  chain output {",
    "    type filter hook output priority mangle; policy accept;",
    `    ip saddr ${address} tcp sport ${port} ip ttl set ${hopLimit}`,
    "  }",
    "}",
    "",
  ].join("\n");
}

/** JSON as EC2's metadata service prints it: two-space indent, `"Key" : value`. */
function ec2Json(document: Record<string, string | null>): string {
  const lines = Object.entries(document).map(([key, value]) => `  ${JSON.stringify(key)} : ${JSON.stringify(value)}`);
  return `{\n${lines.join(",\n")}\n}`;
}

const isoSeconds = (date: Date): string => date.toISOString().replace(/\.\d{3}Z$/, "Z");

/** A metadata tree: a leaf is a function of the instance; a directory lists its entries, sub-directories with a trailing `/`. */
type Node = ((instance: ImdsInstance) => string) | { [name: string]: Node };

type Credentials = { credential: KnownCredential; lastUpdated: Date };
type Tokens = Map<string, { instanceId: string; expires: number }>;
/** One request as the handlers below see it: who calls, and the stand-in's tokens and clock. */
interface Call {
  method: string;
  headers: HeaderPairs;
  action: string;
  instance: ImdsInstance;
  tokens: Tokens;
  now: () => Date;
}

/** The metadata every instance shares the shape of; `lifecycleOf` and `credentialsOf` read the stand-in's current state. */
function metadataTree(region: string, accountId: string, pendingTime: Date, lifecycleOf: (instanceId: string) => string, credentialsOf: (instanceId: string) => Credentials): Node {
  const hostname = (instance: ImdsInstance) => `ip-${instance.localIpv4.replace(/\./g, "-")}.${region === "us-east-1" ? "ec2.internal" : `${region}.compute.internal`}`;
  return {
    "meta-data": {
      "ami-id": (i) => i.amiId ?? "ami-0123456789abcdef0",
      autoscaling: { "target-lifecycle-state": (i) => lifecycleOf(i.instanceId) },
      hostname,
      iam: {
        info: (i) =>
          ec2Json({
            Code: "Success",
            LastUpdated: isoSeconds(credentialsOf(i.instanceId).lastUpdated),
            InstanceProfileArn: `arn:aws:iam::${accountId}:instance-profile/${i.instanceProfileName ?? i.roleName}`,
            InstanceProfileId: `AIPA${i.instanceId
              .replace(/[^A-Za-z0-9]/g, "")
              .toUpperCase()
              .padEnd(17, "X")
              .slice(0, 17)}`,
          }),
        // Listed here; answered per instance in lookup() (its role, then the role's credentials).
        "security-credentials": {},
      },
      "instance-id": (i) => i.instanceId,
      "instance-type": (i) => i.instanceType ?? "t3.small",
      "local-hostname": hostname,
      "local-ipv4": (i) => i.localIpv4,
      placement: { "availability-zone": (i) => i.availabilityZone, region: () => region },
      services: { domain: () => "amazonaws.com", partition: () => "aws" },
    },
    dynamic: {
      "instance-identity": {
        document: (i) =>
          ec2Json({
            accountId,
            architecture: "x86_64",
            availabilityZone: i.availabilityZone,
            billingProducts: null,
            devpayProductCodes: null,
            marketplaceProductCodes: null,
            imageId: i.amiId ?? "ami-0123456789abcdef0",
            instanceId: i.instanceId,
            instanceType: i.instanceType ?? "t3.small",
            kernelId: null,
            pendingTime: isoSeconds(pendingTime),
            privateIp: i.localIpv4,
            ramdiskId: null,
            region,
            version: "2017-09-30",
          }),
      },
    },
  };
}

/** The role credentials document (`iam/security-credentials/ROLE`). */
function roleCredentialsDocument({ credential, lastUpdated }: Credentials): string {
  return ec2Json({
    Code: "Success",
    LastUpdated: isoSeconds(lastUpdated),
    Type: "AWS-HMAC",
    AccessKeyId: credential.accessKeyId,
    SecretAccessKey: credential.secretAccessKey,
    Token: credential.sessionToken!,
    Expiration: isoSeconds(credential.expiration!),
  });
}

/** The tree as one instance sees it: its tags, and its own role under `iam/security-credentials/`. */
function lookup(tree: Node, instance: ImdsInstance, path: string[], roleCredentials: (instance: ImdsInstance) => string): Node | undefined {
  if (path[0] === "meta-data" && path[1] === "tags" && instance.tags) {
    const tags = instance.tags;
    if (path.length === 2) return { instance: {} };
    if (path[2] !== "instance") return undefined;
    if (path.length === 3) return Object.fromEntries(Object.keys(tags).map((key) => [key, () => tags[key]!]));
    return path.length === 4 && Object.hasOwn(tags, path[3]!) ? () => tags[path[3]!]! : undefined;
  }
  if (path[0] === "meta-data" && path[1] === "iam" && path[2] === "security-credentials") {
    if ((instance.credentialsMissingForRequests ?? 0) > 0) {
      instance.credentialsMissingForRequests! -= 1;
      return undefined;
    }
    if (path.length === 3) return () => instance.roleName;
    return path.length === 4 && path[3] === instance.roleName ? roleCredentials : undefined;
  }
  let node: Node | undefined = tree;
  for (const name of path) node = node === undefined || typeof node === "function" || !Object.hasOwn(node, name) ? undefined : node[name];
  return node;
}

const text = (status: number, body: string, action: string, verdict: string, headers: Record<string, string> = {}): HttpAnswer => ({
  status,
  body,
  action,
  verdict,
  headers: { "content-type": "text/plain", server: "EC2ws", ...headers },
});

/** `/latest/api/token`: a PUT with a valid TTL gets a token of the calling instance. */
function answerTokenRequest({ method, headers, action, instance, tokens, now }: Call): HttpAnswer {
  if (method !== "PUT") return text(405, "", action, "MethodNotAllowed", { allow: "PUT" });
  if (headerValue(headers, "x-forwarded-for") !== undefined) return text(403, "", action, "Forbidden", {}); // a proxied token request
  const ttl = headerValue(headers, "x-aws-ec2-metadata-token-ttl-seconds");
  if (ttl === undefined || !/^\d+$/.test(ttl.trim()) || Number(ttl) < 1 || Number(ttl) > maxTokenTtlSeconds) return text(400, "", action, "MissingOrInvalidParameters", {});
  const token = randomBytes(42).toString("base64");
  tokens.set(token, { instanceId: instance.instanceId, expires: now().getTime() + Number(ttl) * 1000 });
  return text(200, token, action, "OK", { "x-aws-ec2-metadata-token-ttl-seconds": ttl.trim() });
}

/** Any other path: a GET with a live token of the calling instance reads its metadata (a leaf, or a directory's listing). */
function answerMetadataRequest({ method, headers, action, instance, tokens, now }: Call, path: string, find: (segments: string[]) => Node | undefined): HttpAnswer {
  if (method !== "GET" && method !== "HEAD") return text(405, "", action, "MethodNotAllowed", { allow: "GET, HEAD" });
  const token = headerValue(headers, "x-aws-ec2-metadata-token");
  const session = token === undefined ? undefined : tokens.get(token.trim());
  if (!session || session.instanceId !== instance.instanceId || session.expires <= now().getTime()) return text(401, "", action, "Unauthorized", {});
  const segments = path
    .replace(/^\/latest\/?/, "")
    .split("/")
    .filter(Boolean);
  if (!path.startsWith("/latest/") || segments.length === 0) return text(404, "", action, "NotFound");
  const node = find(segments);
  if (node === undefined) return text(404, "", action, "NotFound");
  if (typeof node === "function") return text(200, node(instance), action, "OK");
  const listing = Object.keys(node)
    .sort()
    .map((name) => (typeof (node as Record<string, Node>)[name] === "function" ? name : `${name}/`));
  return text(200, listing.join("\n"), action, "OK");
}

export async function startImds(options: ImdsOptions): Promise<Imds> {
  const now = options.now ?? (() => new Date());
  const instances = new Map(options.instances.map((instance) => [instance.instanceId, { ...instance, lifecycleState: instance.lifecycleState ?? "InService" }]));
  const byCaller = new Map<string, string>();
  for (const instance of instances.values()) for (const caller of instance.callers ?? [instance.localIpv4]) byCaller.set(caller, instance.instanceId);
  const tokens: Tokens = new Map();
  const credentials = new Map<string, Credentials>();

  const credentialsOf = (instanceId: string) => {
    const instance = instances.get(instanceId);
    if (!instance) throw new Error(`no instance ${instanceId} in the metadata stand-in`);
    const current = credentials.get(instanceId);
    if (current && current.credential.expiration!.getTime() - now().getTime() > credentialRefreshMs) return current;
    const fresh = { credential: options.store.issueRoleSession(instance.roleName, instanceId, now()), lastUpdated: now() };
    credentials.set(instanceId, fresh);
    return fresh;
  };
  const tree = metadataTree(options.region, options.store.accountId, now(), (id) => instances.get(id)!.lifecycleState, credentialsOf);
  const roleCredentials = (instance: ImdsInstance) => roleCredentialsDocument(credentialsOf(instance.instanceId));

  const server = await startHttpStandIn("imds", options, ({ method, target, headers, caller }) => {
    const path = target.split("?")[0]!;
    const action = `${method} ${path}`;
    const instanceId = byCaller.get(caller);
    // Not EC2 behaviour: a caller the rehearsal did not declare is a wiring mistake, made visible.
    if (!instanceId) return text(403, "", action, "UnknownCaller", {});
    const instance = instances.get(instanceId)!;
    const call: Call = { method, headers, action, instance, tokens, now };
    if (path === "/latest/api/token") return answerTokenRequest(call);
    return answerMetadataRequest(call, path, (segments) => lookup(tree, instance, segments, roleCredentials));
  });

  return {
    ...server,
    setLifecycleState(id, state) {
      const instance = instances.get(id);
      if (!instance) throw new Error(`setLifecycleState: no instance ${id} in the metadata stand-in (known: ${[...instances.keys()].join(", ")})`);
      instance.lifecycleState = state;
    },
    credentialsOf: (id) => credentialsOf(id).credential,
  };
}
