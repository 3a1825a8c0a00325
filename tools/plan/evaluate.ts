/**
 * Evaluates the real program (`index.ts`) in-process under Pulumi's own mock runtime and records
 * every resource the way the engine would see it: URN, type, name, parent, provider, region,
 * inputs, outputs, dependencies.
 *
 * The mock monitor is Pulumi's `MockMonitor`; this subclass only records what each registration
 * carries and computes URNs as the engine does (the parent's full type chain, the stack root left
 * out), and refuses a duplicate URN as the engine does (the plain mock runtime accepts it).
 */
import * as pulumi from "@pulumi/pulumi";
import { MockMonitor } from "@pulumi/pulumi/runtime/mocks";
import * as providerProto from "@pulumi/pulumi/proto/provider_pb";
import type { DeclaredResource } from "../../models/declaredResource";
import { answersInvoke, planMocks, resourceRegion, unansweredInvokeMessage } from "./mocks";
import { rootStackType } from "./planJson";
import { withoutSdkDiagnostics } from "./runtime/sdkDiagnostics";

/** A resource the program registered: a declared resource, with what the plan records beside it. */
export interface PlannedResource extends DeclaredResource {
  urn: string;
  type: string;
  name: string;
  /** The parent's URN; empty for the stack root. */
  parent: string;
  /** URNs the resource was known by before (its `aliases`, resolved as the engine does): a base resource with one of them is this one. */
  aliases: string[];
  /** True for provider-managed resources, false for components and the stack. */
  custom: boolean;
  /** An explicit provider reference (`urn::id`), empty for the default provider. */
  provider: string;
  /** AWS region the resource lives in; undefined for global services and other clouds. */
  region?: string;
  /** Inputs as the program declared them; secrets are wire-format secret values. */
  inputs: Record<string, unknown>;
  /** Inputs plus what the provider computes (as the mocks answer). */
  outputs: Record<string, unknown>;
  dependencies: string[];
  propertyDependencies: Record<string, string[]>;
  options: {
    protect: boolean;
    deleteBeforeReplace: boolean;
    ignoreChanges: string[];
    additionalSecretOutputs: string[];
    /** Left in the cloud when its resource is deleted. */
    retainOnDelete: boolean;
    /** Id of an existing cloud resource the first `pulumi up` adopts (the `import` option); absent when created. */
    importId?: string;
  };
}

export interface EvaluatedProgram {
  resources: PlannedResource[];
  stackOutputs: Record<string, unknown>;
  /** Values the mocks invented, each with what it stands for (`tools/plan/mocks.ts`). */
  placeholders: { value: string; of: string }[];
}

/** The signature the Pulumi wire format gives a secret value. */
export const secretSig = "1b47061264138c4ac30d75fd1eb44270";
export const specialSigKey = "4dabf18193072939515e22adb298388d";

/** A plain JSON copy of a protobuf Struct or a plain object. */
function structToJs(value: unknown): Record<string, unknown> {
  if (value && typeof (value as { toJavaScript?: unknown }).toJavaScript === "function") {
    return (value as { toJavaScript(): Record<string, unknown> }).toJavaScript();
  }
  return (value as Record<string, unknown>) ?? {};
}

/** `MockMonitor` as this file uses it (its URN helper is private in the typings, and overridden here). */
interface MockMonitorApi {
  registerResource(req: any, callback: (err: any, response: any) => void): Promise<void>;
  invoke(req: any, callback: (err: any, response: any) => void): Promise<void>;
  getRegisteredResources(): Map<string, { state: unknown }>;
}
const MockMonitorBase = MockMonitor as unknown as new (mocks: pulumi.runtime.Mocks) => MockMonitorApi;

class RecordingMonitor extends MockMonitorBase {
  readonly planned = new Map<string, PlannedResource>();

  constructor(
    mocks: pulumi.runtime.Mocks,
    private readonly defaultRegion: string,
    private readonly onRegister?: (resource: PlannedResource) => void,
  ) {
    super(mocks);
  }

  /** As the engine: `stack::project::<parent's qualified type>$<type>::name`, the stack root not included. */
  newUrn(parent: string, type: string, name: string): string {
    let qualifiedType = type;
    if (parent) {
      const parentType = parent.split("::")[2];
      if (parentType !== rootStackType) qualifiedType = `${parentType}$${type}`;
    }
    return `urn:pulumi:${pulumi.getStack()}::${pulumi.getProject()}::${qualifiedType}::${name}`;
  }

  /**
   * The URNs a registration's aliases stand for, resolved as the engine does: each alias spec's
   * name, type and parent (the resource's own where the spec leaves them out), then every alias of
   * the parent with the child's name and type under it, so moving a component moves its children.
   * The Node SDK resolves aliases the same way itself for an engine without alias specs
   * (`allAliases` and `inheritedChildAlias` in `@pulumi/pulumi/resource.js`).
   */
  private aliasUrns(req: any): string[] {
    const name: string = req.getName();
    const type: string = req.getType();
    const parent: string = req.getParent();
    const own: { name: string; type: string; urn: string }[] = req.getAliasesList().map((alias: any) => {
      if (!alias.hasSpec()) {
        const urn: string = alias.getUrn();
        const parts = urn.split("::");
        return { name: parts[3] ?? name, type: parts[2]?.split("$").pop() ?? type, urn };
      }
      const spec = alias.getSpec();
      const aliasName = spec.getName() || name;
      const aliasType = spec.getType() || type;
      const aliasParent = spec.getNoparent() ? "" : spec.getParenturn() || parent;
      return { name: aliasName, type: aliasType, urn: this.newUrn(aliasParent, aliasType, aliasName) };
    });
    const parentRecord = parent ? this.planned.get(parent) : undefined;
    const inherited = (parentRecord?.aliases ?? []).flatMap((parentAlias) => {
      const parentAliasName = parentAlias.split("::")[3] ?? "";
      const under = (childName: string, childType: string) => {
        // A child named after its parent follows the parent's old name, as `inheritedChildAlias` does.
        const renamed = parentRecord && childName.startsWith(parentRecord.name) ? parentAliasName + childName.slice(parentRecord.name.length) : childName;
        return this.newUrn(parentAlias, childType, renamed);
      };
      return [under(name, type), ...own.map((alias) => under(alias.name, alias.type))];
    });
    const urn = this.newUrn(parent, type, name);
    return [...new Set([...own.map((alias) => alias.urn), ...inherited])].filter((alias) => alias !== urn);
  }

  async registerResource(req: any, callback: (err: any, response: any) => void): Promise<void> {
    const urn = this.newUrn(req.getParent(), req.getType(), req.getName());
    if (this.planned.has(urn)) {
      callback(new Error(`Duplicate resource URN '${urn}'; try giving it a unique name (the Pulumi engine refuses two resources with one URN)`), undefined);
      return;
    }
    const inputs = structToJs(req.getObject());
    const propertyDependencies: Record<string, string[]> = {};
    req.getPropertydependenciesMap().forEach((deps: any, key: string) => {
      propertyDependencies[key] = deps.getUrnsList();
    });
    const resource: PlannedResource = {
      urn,
      type: req.getType(),
      name: req.getName(),
      parent: req.getParent(),
      aliases: this.aliasUrns(req),
      custom: req.getCustom(),
      provider: req.getProvider(),
      region: undefined,
      inputs,
      outputs: inputs,
      dependencies: req.getDependenciesList(),
      propertyDependencies,
      options: {
        protect: req.getProtect() ?? false,
        deleteBeforeReplace: req.getDeletebeforereplace(),
        ignoreChanges: req.getIgnorechangesList(),
        additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
        retainOnDelete: req.getRetainondelete() ?? false,
        ...(req.getImportid() ? { importId: req.getImportid() } : {}),
      },
    };
    this.planned.set(urn, resource);
    this.onRegister?.(resource);
    // A real monitor answers over gRPC, after a turn of the event loop; answering in the same turn
    // kept the whole evaluation in one turn, so nothing the plan sent meanwhile (the pack's
    // requests) left the process before the program was done.
    await new Promise<void>((resolve) => setImmediate(resolve));
    return super.registerResource(req, callback);
  }

  /**
   * A provider function the mocks cannot answer fails as a provider's failure does (the SDK throws
   * `Invoke of '<token>' failed: <reason>`), so its reason reaches the plan's report: thrown from
   * the mocks, the SDK drops the message and the plan could only call it an internal error.
   */
  async invoke(req: any, callback: (err: any, response: any) => void): Promise<void> {
    const token: string = req.getTok();
    if (token === "pulumi:pulumi:getResource" || answersInvoke(token)) return super.invoke(req, callback);
    const failure = new providerProto.CheckFailure();
    failure.setReason(unansweredInvokeMessage(token));
    callback(null, new providerProto.InvokeResponse().setFailuresList([failure]));
  }

  /** Merges what the mocks computed, and each component's registered outputs, into the records. */
  finish(): PlannedResource[] {
    const state = this.getRegisteredResources();
    return [...this.planned.values()].map((resource) => {
      const outputs = structToJs(state.get(resource.urn)?.state);
      return {
        ...resource,
        region: resourceRegion(resource.type, resource.inputs, this.defaultRegion),
        outputs: resource.custom ? outputs : resource.inputs,
      };
    });
  }
}

export interface RuntimeOptions {
  project: string;
  stack: string;
  /** Full config keys (`edge:regions`) to their values as Pulumi stores them (structured values as JSON). */
  config: Record<string, string>;
  secretKeys: string[];
  /** Region of the default AWS provider (`aws:region`). */
  defaultRegion: string;
  /** Called as each resource registers, with its inputs (the plan judges it then, as the engine does). */
  onRegister?: (resource: PlannedResource) => void;
}

export interface EvaluateOptions extends RuntimeOptions {
  /** Absolute path of the program's entry module. */
  program: string;
}

export interface PlanRuntime {
  /** Waits until every registration is answered, then returns what was recorded. */
  settle(): Promise<PlannedResource[]>;
  /** The values the mocks invented so far, first recorded first. */
  placeholders(): { value: string; of: string }[];
}

/**
 * Installs Pulumi's mock runtime with the plan's mocks and recorder. Once per process: Pulumi's
 * runtime state is global. Component tests construct resources after this and then `settle()`.
 */
export async function installPlanRuntime(options: RuntimeOptions): Promise<PlanRuntime> {
  const invented = new Map<string, string>();
  const mocks = planMocks(options.defaultRegion, (value, of) => {
    if (!invented.has(value)) invented.set(value, of);
  });
  await pulumi.runtime.setMocks(mocks, options.project, options.stack, false);
  const monitor = new RecordingMonitor(mocks, options.defaultRegion, options.onRegister);
  pulumi.runtime.setMockOptions(monitor, options.project, options.stack, false);
  pulumi.runtime.setAllConfig(options.config, options.secretKeys);
  return {
    async settle() {
      // Internal in the typings, exported at run time: the same wait `disconnect()` does, without closing.
      await (pulumi.runtime as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs();
      return monitor.finish();
    },
    placeholders: () => [...invented].map(([value, of]) => ({ value, of })),
  };
}

/**
 * The program module's exports, loaded as the CLI's runner loads a CommonJS program: `require`.
 * Vitest's runner transforms modules itself and cannot `require` TypeScript; there, `import()`,
 * whose `default` is the module's `module.exports`.
 */
async function loadProgram(path: string): Promise<unknown> {
  if (path.endsWith(".js") || require.extensions[".ts"]) return require(path);
  const loaded = await import(path);
  return typeof loaded.default === "function" ? loaded.default : loaded;
}

/** Runs the program once under the mock runtime, as the root stack resource's init, like the CLI. */
export async function evaluateProgram(options: EvaluateOptions): Promise<EvaluatedProgram> {
  const runtime = await installPlanRuntime(options);
  const restoreDiagnostics = withoutSdkDiagnostics();
  try {
    const stackOutputs = await pulumi.runtime.runInPulumiStack(async () => {
      // As the CLI's runner: a module that exports a function (`export = async () => ...`) is that
      // function, awaited for the stack's outputs; otherwise its named exports are the outputs.
      const programExport = await loadProgram(options.program);
      return typeof programExport === "function" ? await programExport() : { ...(programExport as object) };
    });
    const resources = await runtime.settle();
    await pulumi.runtime.disconnect();
    return { resources, stackOutputs: stackOutputs ?? {}, placeholders: runtime.placeholders() };
  } finally {
    restoreDiagnostics();
  }
}
