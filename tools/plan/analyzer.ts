/**
 * Drives the real policy pack (`policies/`, its built `main`) over the Pulumi Analyzer protocol, as the
 * engine does in `pulumi preview --policy-pack policies`: start the pack's process, read its gRPC
 * port from stdout, `GetAnalyzerInfo`, `Configure` with the policy config, `Analyze` each resource
 * (its inputs), then `AnalyzeStack` (every resource with its outputs), then stop the process.
 */
import * as grpc from "@grpc/grpc-js";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import * as analyzerRpc from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import * as analyzerProto from "@pulumi/pulumi/proto/analyzer_pb";
import { splitSubject } from "../../policies/finding";
import type { PlannedResource } from "./evaluate";
import { PackConnection, spawnPolicyPack } from "./runtime/packProcess";
import { StackFileError } from "./stackFile";

export type EnforcementLevel = "advisory" | "mandatory" | "disabled" | "remediate";

const enforcementLevels: Record<number, EnforcementLevel> = {
  [analyzerProto.EnforcementLevel.ADVISORY]: "advisory",
  [analyzerProto.EnforcementLevel.MANDATORY]: "mandatory",
  [analyzerProto.EnforcementLevel.DISABLED]: "disabled",
  [analyzerProto.EnforcementLevel.REMEDIATE]: "remediate",
};
const enforcementLevelCodes = Object.fromEntries(Object.entries(enforcementLevels).map(([code, level]) => [level, Number(code)])) as Record<EnforcementLevel, analyzerProto.EnforcementLevel>;

export interface PolicyViolation {
  policyName: string;
  policyPackName: string;
  enforcementLevel: EnforcementLevel;
  /** The resource judged; empty for a stack-wide finding that names no resource. */
  urn: string;
  /** What the finding is about within its resource (`policies/finding.ts`); empty when the policy names none. */
  subject: string;
  message: string;
}

export interface PolicySummary {
  name: string;
  description: string;
  enforcementLevel: EnforcementLevel;
  /** The config properties the policy's schema publishes, with their defaults: what an unset bound is. */
  bounds?: Record<string, { default?: unknown; description?: string }>;
}

/** The properties of a policy's published config schema, each with its default and description. */
function boundsOf(policy: analyzerProto.PolicyInfo): PolicySummary["bounds"] {
  const properties = policy.getConfigschema()?.getProperties()?.toJavaScript() as Record<string, { default?: unknown; description?: string }> | undefined;
  if (!properties || Object.keys(properties).length === 0) return undefined;
  return Object.fromEntries(
    Object.entries(properties).map(([key, p]) => [key, { ...(p?.default === undefined ? {} : { default: p.default }), ...(p?.description ? { description: p.description } : {}) }]),
  );
}

export interface PolicyRun {
  packName: string;
  packVersion: string;
  policies: PolicySummary[];
  violations: PolicyViolation[];
}

/**
 * Policy config in the format of `pulumi preview --policy-pack-config`: per policy name (or `all`)
 * an enforcement level, or an object of properties that may include `enforcementLevel`.
 */
export type PolicyPackConfig = Record<string, EnforcementLevel | Record<string, unknown>>;

function call<Req, Res>(fn: (req: Req, cb: (err: grpc.ServiceError | null, res: Res) => void) => unknown, req: Req): Promise<Res> {
  return new Promise((resolve, reject) => fn(req, (err, res) => (err ? reject(err) : resolve(res))));
}

/** A running policy pack and a client connected to it. */
class PolicyPackProcess {
  private constructor(
    private readonly connection: PackConnection,
    readonly client: analyzerRpc.AnalyzerClient,
    /** Started here, so `stop` ends it; a pack the caller started or was lent, the caller ends. */
    private readonly own: boolean,
  ) {}

  /** Connects to `connected` (a pack the caller started or was lent earlier), or starts one in `packDir`. */
  static async start(packDir: string, connected?: Promise<PackConnection>): Promise<PolicyPackProcess> {
    const connection = await (connected ?? spawnPolicyPack(packDir));
    const client = new analyzerRpc.AnalyzerClient(`127.0.0.1:${connection.port}`, grpc.credentials.createInsecure(), {
      "grpc.max_receive_message_length": 400 * 1024 * 1024,
      "grpc.max_send_message_length": 400 * 1024 * 1024,
    });
    return new PolicyPackProcess(connection, client, !connected);
  }

  /** Closes the client, and ends the pack when it was started here. */
  async stop(): Promise<void> {
    this.client.close();
    if (this.own) await this.connection.stop();
  }
}

/** The engine always sends options; without them the pack answers that the CLI is too old. */
function resourceOptions(resource: PlannedResource): analyzerProto.AnalyzerResourceOptions {
  const options = new analyzerProto.AnalyzerResourceOptions();
  options.setProtect(resource.options.protect);
  options.setIgnorechangesList(resource.options.ignoreChanges);
  options.setDeletebeforereplace(resource.options.deleteBeforeReplace);
  options.setAdditionalsecretoutputsList(resource.options.additionalSecretOutputs);
  return options;
}

/** The resource's provider as the engine describes it: its explicit provider, or the package's default one. */
function providerOf(resource: PlannedResource, stack: string, project: string): analyzerProto.AnalyzerProviderResource {
  const providerType = `pulumi:providers:${resource.type.split(":")[0]}`;
  // An explicit provider reference is `<urn>::<id>`.
  const urn = resource.provider ? resource.provider.slice(0, resource.provider.lastIndexOf("::")) : "";
  const provider = new analyzerProto.AnalyzerProviderResource();
  provider.setType(providerType);
  provider.setUrn(urn || `urn:pulumi:${stack}::${project}::${providerType}::default`);
  provider.setName(urn ? urn.slice(urn.lastIndexOf("::") + 2) : "default");
  provider.setProperties(Struct.fromJavaScript({}));
  return provider;
}

/** What `Analyze` (with inputs) and `AnalyzeStack` (with outputs) both say of a resource. */
function describeResource<T extends analyzerProto.AnalyzeRequest | analyzerProto.AnalyzerResource>(
  target: T,
  resource: PlannedResource,
  properties: Record<string, unknown>,
  where: { stack: string; project: string },
): T {
  // The two message types share these setters; TypeScript cannot call a method on a union of classes.
  const t = target as unknown as analyzerProto.AnalyzerResource;
  t.setType(resource.type);
  t.setProperties(Struct.fromJavaScript(properties as never));
  t.setUrn(resource.urn);
  t.setName(resource.name);
  t.setOptions(resourceOptions(resource));
  t.setProvider(providerOf(resource, where.stack, where.project));
  return target;
}

function policyConfigRequest(info: analyzerProto.AnalyzerInfo, config: PolicyPackConfig): analyzerProto.ConfigureAnalyzerRequest {
  const request = new analyzerProto.ConfigureAnalyzerRequest();
  const known = new Set(info.getPoliciesList().map((p) => p.getName()));
  for (const name of Object.keys(config)) {
    if (name !== "all" && !known.has(name)) {
      throw new StackFileError(`policy config names '${name}', which the pack does not have; known policies: ${[...known].join(", ")}`);
    }
  }
  const all = config.all;
  for (const policy of info.getPoliciesList()) {
    const entry = config[policy.getName()];
    const properties: Record<string, unknown> = typeof entry === "object" ? { ...entry } : {};
    const level = (typeof entry === "string" ? entry : (properties.enforcementLevel as EnforcementLevel | undefined)) ?? (typeof all === "string" ? all : undefined);
    delete properties.enforcementLevel;
    const policyConfig = new analyzerProto.PolicyConfig();
    policyConfig.setEnforcementlevel(level ? enforcementLevelCodes[level] : policy.getEnforcementlevel());
    policyConfig.setProperties(Struct.fromJavaScript(properties as never));
    request.getPolicyconfigMap().set(policy.getName(), policyConfig);
  }
  return request;
}

function toViolations(response: analyzerProto.AnalyzeResponse, urn: string): PolicyViolation[] {
  return response.getDiagnosticsList().map((d) => {
    // The pack sends `description + "\n" + message`; the description is in the policy list already.
    const prefix = `${d.getDescription()}\n`;
    const reported = d.getMessage().startsWith(prefix) ? d.getMessage().slice(prefix.length) : d.getMessage();
    const { message, subject } = splitSubject(reported);
    return {
      policyName: d.getPolicyname(),
      policyPackName: d.getPolicypackname(),
      enforcementLevel: enforcementLevels[d.getEnforcementlevel()] ?? "advisory",
      urn: d.getUrn() || urn,
      subject,
      message,
    };
  });
}

export interface AnalyzeOptions {
  packDir: string;
  stack: string;
  project: string;
  config?: PolicyPackConfig;
}

/**
 * One run of the pack over a stack, as the engine drives it: each resource is judged (`Analyze`,
 * its inputs) as soon as it registers, then the whole stack (`AnalyzeStack`, every resource with
 * its outputs). Judging during the program's evaluation lets the pack's process work on the other
 * core meanwhile (on the 6,000-resource bench stack the plan otherwise waited ~8 s for the pack).
 */
export class PolicyAnalysis {
  private readonly configured: Promise<{ pack: PolicyPackProcess; info: analyzerProto.AnalyzerInfo }>;
  private readonly perResource: Promise<PolicyViolation[]>[] = [];
  private inFlight = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly options: AnalyzeOptions,
    pack: Promise<PolicyPackProcess>,
  ) {
    this.configured = pack.then(async (started) => {
      const client = started.client;
      const info = await call<Empty, analyzerProto.AnalyzerInfo>(client.getAnalyzerInfo.bind(client), new Empty());
      await call(client.configure.bind(client), policyConfigRequest(info, options.config ?? {}));
      return { pack: started, info };
    });
    this.configured.catch(() => undefined); // reported by finish()
  }

  /** Resolves once the pack has answered `GetAnalyzerInfo` and `Configure`; rejects as the pack failed. */
  async ready(): Promise<void> {
    await this.configured;
  }

  /** Judges one resource by its inputs, once the pack is configured; providers are not judged. */
  analyze(resource: PlannedResource): void {
    if (!isJudged(resource)) return;
    const verdict = this.configured.then(async ({ pack }) => {
      await this.slot();
      try {
        const request = describeResource(new analyzerProto.AnalyzeRequest(), resource, resource.inputs, this.options);
        return toViolations(await call(pack.client.analyze.bind(pack.client), request), resource.urn);
      } finally {
        this.release();
      }
    });
    verdict.catch(() => undefined); // reported by finish()
    this.perResource.push(verdict);
  }

  /** Judges the stack (`resources` with their outputs) and returns every violation found. */
  async finish(resources: PlannedResource[]): Promise<PolicyRun> {
    const { pack, info } = await this.configured;
    // Sent without waiting for the per-resource verdicts: the pack judges the two independently,
    // and this process builds the large request while the pack works.
    const stackVerdict = this.analyzeStack(pack, resources.filter(isJudged));
    const [perResource, stackResponse] = await Promise.all([Promise.all(this.perResource), stackVerdict]);
    const stackViolations = toViolations(stackResponse, "");
    return {
      packName: info.getName(),
      packVersion: info.getVersion(),
      policies: info.getPoliciesList().map((p) => {
        const bounds = boundsOf(p);
        return {
          name: p.getName(),
          description: p.getDescription(),
          enforcementLevel: enforcementLevels[p.getEnforcementlevel()] ?? "advisory",
          ...(bounds ? { bounds } : {}),
        };
      }),
      violations: [...perResource.flat(), ...stackViolations],
    };
  }

  /**
   * `AnalyzeStack`, its request serialized a resource at a time: protobuf decodes concatenated
   * messages as one, with their repeated fields appended, so the request never exists as one tree
   * of message objects (~50 KB a resource: 300 MB on the 6,000-resource bench stack).
   */
  private analyzeStack(pack: PolicyPackProcess, resources: PlannedResource[]): Promise<analyzerProto.AnalyzeResponse> {
    const request = Buffer.concat(
      resources.map((resource) => {
        const r = describeResource(new analyzerProto.AnalyzerResource(), resource, resource.outputs, this.options);
        r.setParent(resource.parent);
        r.setDependenciesList(resource.dependencies);
        // Stack policies relate resources whose ids a preview does not know yet by these.
        for (const [key, urns] of Object.entries(resource.propertyDependencies)) {
          r.getPropertydependenciesMap().set(key, new analyzerProto.AnalyzerPropertyDependencies().setUrnsList(urns));
        }
        return new analyzerProto.AnalyzeStackRequest().setResourcesList([r]).serializeBinary();
      }),
    );
    const method = analyzerRpc.AnalyzerService.analyzeStack;
    return new Promise((resolve, reject) =>
      pack.client.makeUnaryRequest(
        method.path,
        (bytes: Buffer) => bytes,
        method.responseDeserialize,
        request,
        (err, res) => (err || !res ? reject(err) : resolve(res)),
      ),
    );
  }

  /** Waits for one of `maxAnalyzeInFlight` places. */
  private async slot(): Promise<void> {
    if (this.inFlight < maxAnalyzeInFlight) {
      this.inFlight++;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.inFlight--;
  }
}

/**
 * `Analyze` calls sent and not yet answered. The pack answers one at a time, so more only wait in
 * its process, deserialized: with the bench stack's 6,049 sent at once its peak was ~530 MiB,
 * 32 at a time ~390 MiB, in the same time.
 */
const maxAnalyzeInFlight = 32;

const isJudged = (resource: PlannedResource) => !resource.type.startsWith("pulumi:providers:");

/** Starts the pack (unless `started`), judges every resource and the stack, and stops what `startPolicyPack` started, also on failure. */
export async function runPolicyPack(options: AnalyzeOptions & { resources: PlannedResource[] }, started?: Promise<PolicyPackProcess>): Promise<PolicyRun> {
  const pack = started ?? startPolicyPack(options.packDir);
  try {
    const analysis = new PolicyAnalysis(options, pack);
    for (const resource of options.resources) analysis.analyze(resource);
    return await analysis.finish(options.resources);
  } finally {
    await pack.then(
      (p) => p.stop(),
      () => undefined,
    );
  }
}

/**
 * Starts the pack's process early, so its ~2 s start overlaps the program's evaluation; or
 * connects to one the caller started even earlier (`spawnPolicyPack`) or was lent (`leasePolicyPack`).
 */
export function startPolicyPack(packDir: string, connected?: Promise<PackConnection>): Promise<PolicyPackProcess> {
  return PolicyPackProcess.start(packDir, connected);
}
