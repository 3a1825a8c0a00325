/**
 * The offline plan: the real program under Pulumi's mock runtime, judged by the real policy pack
 * over the Analyzer protocol. `main.ts` is its command line; tests and other tools call `makePlan`.
 */
import { waiverControls, waiversInPackConfig } from "../../policies/waivers";
import { join, resolve } from "node:path";
import { existsSync, readFileSync } from "node:fs";
import { decideEnvironment, EnvironmentSource, parseStackConfig, StackConfig, StackConfigError } from "../../stacks/schema";
import { PolicyAnalysis, PolicyPackConfig, PolicyRun, startPolicyPack } from "./analyzer";
import { evaluateProgram, PlannedResource, secretSig, specialSigKey } from "./evaluate";
import type { PackConnection } from "./runtime/packProcess";
import type { PlanJson, PlanJsonPlaceholder, PlanJsonSecrets } from "./planJson";
import { compiled } from "./runtime/mode";
import { planRecovery } from "./sections/recovery";
import { importFindings, updateFindings } from "./rehearsal";
import { explainSecretProblems, offlineSecretPlaceholder, offlineSecretStandIns, readStackFile, StackFile, StackFileError } from "./stackFile";

export const projectRoot = resolve(__dirname, "..", "..");
export const projectName = "edge";

/** The program the plan evaluates: its bundle when the plan runs compiled (`runtime/build.ts`), else `index.ts`. */
export const defaultProgram = join(projectRoot, ...(compiled ? ["dist", "program.js"] : ["index.ts"]));

export interface PlanOptions {
  /**
   * Stack name; its file is `stacks/Pulumi.<stack>.yaml` unless `configFile` is given. Given
   * `configFile` alone, the file is not a stack yet: the plan names the stack after the file's
   * environment. Given neither, the stack is `dev`.
   */
  stack?: string;
  configFile?: string;
  /** Policy config in `--policy-pack-config` format; defaults to `policies/config/<stack>.json` when present. */
  policyConfigFile?: string;
  /** Entry module of the program. Defaults to the project's (`defaultProgram`; tests plan fixtures that extend it). */
  program?: string;
  /** The pack, when the caller started (or was lent) it before loading this module (`run.ts` does); the caller ends it. */
  pack?: Promise<PackConnection>;
  /** Called once the program has run and every resource is recorded, before the pack's verdict on the stack. */
  evaluated?: () => void;
  /**
   * The plan of what is deployed (`--base`, a plan's JSON): the plan rehearses the update from it
   * and finds every step the cloud's API would refuse (`rehearsal.ts`).
   */
  base?: PlanJson;
  /**
   * Another policy config (`--policy-pack-config` format) to judge the same resources with after
   * the plan's own: pr-check passes the base's when a pull request changes it, so the diff can say
   * what the new bounds admit that the old ones refused.
   */
  comparePolicyConfigFile?: string;
  /**
   * The pack to judge the comparison with, when it is another tree's (`--compare-pack`): its
   * folder, and its connection, asked for only when the plan's own judging is done. Defaults to
   * the plan's own pack.
   */
  comparePack?: { dir: string; connect: () => Promise<PackConnection> };
}

export interface Plan {
  project: string;
  stack: string;
  configFile: string;
  config: StackConfig;
  /** What decided `config.environment` (the stack's name, the file, or the default). */
  environmentSource: EnvironmentSource;
  resources: PlannedResource[];
  stackOutputs: Record<string, unknown>;
  /** The stack file's secrets: ciphertext digests and plain-text values where a secret belongs. */
  secrets: PlanJsonSecrets;
  /** The policy config the pack was configured with (`--policy-pack-config` format); empty when none. */
  policyConfig: PolicyPackConfig;
  policy: PolicyRun;
  /** The same resources judged with `comparePolicyConfigFile`'s config (and `comparePack`'s pack), when given. */
  policyCompared?: { config: PolicyPackConfig; policy: PolicyRun };
  /** The stack file's config by leaf, secret leaves left out (`stackConfigLeaves`). */
  stackConfig: Record<string, unknown>;
  /** Values the mocks invented: a real deploy has them only after apply. */
  placeholders: PlanJsonPlaceholder[];
}

export function stackFilePath(stack: string): string {
  return join(projectRoot, "stacks", `Pulumi.${stack}.yaml`);
}

/**
 * The stack file's config as leaves (`edge:dns.ttl` → 60, `edge:regions[1]` → "us-west-2"), as the
 * diff compares two stacks' config and groups findings by the key a pull request moved. Secrets are
 * left out: keys the file gives as `secure:` outside the `edge:` namespace, and every secure leaf.
 */
function stackConfigLeaves(stackFile: StackFile): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const walk = (value: unknown, path: string) => {
    if (path in stackFile.secretDigests) return;
    if (Array.isArray(value)) value.forEach((v, i) => walk(v, `${path}[${i}]`));
    else if (value && typeof value === "object") for (const [k, v] of Object.entries(value)) walk(v, `${path}.${k}`);
    else out[path] = value;
  };
  for (const [key, value] of Object.entries(stackFile.config)) {
    if (key.startsWith("edge:")) walk(stackFile.edge[key.slice("edge:".length)], key);
    else if (!stackFile.secretKeys.includes(key)) out[key] = value;
  }
  return out;
}

function readPolicyConfig(options: PlanOptions, stack: string): PolicyPackConfig | undefined {
  const path = options.policyConfigFile ?? join(projectRoot, "policies", "config", `${stack}.json`);
  if (!options.policyConfigFile && !existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, "utf8")) as PolicyPackConfig;
  } catch (err) {
    throw new StackFileError(`${path}: cannot read the policy config (${(err as Error).message})`);
  }
}

/**
 * Builds the plan. Throws `StackFileError` or `StackConfigError` for bad input (exit 2 in the
 * command), any other error when the program itself fails.
 */
export async function makePlan(options: PlanOptions): Promise<Plan> {
  const named = options.stack ?? (options.configFile === undefined ? "dev" : undefined);
  const configFile = resolve(options.configFile ?? stackFilePath(options.stack ?? "dev"));
  const stackFile = readStackFile(configFile);
  let config: StackConfig;
  try {
    config = parseStackConfig(stackFile.edge, named);
  } catch (err) {
    if (err instanceof StackConfigError) throw new StackConfigError(explainSecretProblems(err.problems, stackFile.secretKeys));
    throw err;
  }
  const { source: environmentSource } = decideEnvironment(named, stackFile.edge.environment);
  // A file that is not a stack yet is planned as the stack of its environment, so the program (which
  // decides the environment from its stack's name again) sees the same one.
  const stack = named ?? config.environment;
  const policyConfig = readPolicyConfig(options, stack);
  const comparedConfig = options.comparePolicyConfigFile ? (readPolicyConfig({ policyConfigFile: options.comparePolicyConfigFile }, stack) ?? {}) : undefined;

  const packDir = join(projectRoot, "policies");
  const pack = startPolicyPack(packDir, options.pack);
  const analysis = new PolicyAnalysis({ packDir, stack, project: projectName, config: policyConfig }, pack);
  try {
    // The pack is ready (its modules loaded, its policies listed and configured) before the program
    // registers its first resource, so it judges each one as it comes instead of all at the end.
    await analysis.ready();
    const evaluated = await evaluateProgram({
      program: options.program ?? defaultProgram,
      project: projectName,
      stack,
      config: stackFile.config,
      secretKeys: stackFile.secretKeys,
      defaultRegion: stackFile.config["aws:region"] ?? config.regions[0],
      onRegister: (resource) => analysis.analyze(resource),
    });
    options.evaluated?.();
    const policy = await analysis.finish(evaluated.resources);
    // The pack answers one configuration at a time: the second judging follows the first.
    let policyCompared: Plan["policyCompared"];
    if (comparedConfig) {
      const other = options.comparePack?.connect();
      const judge = other ? startPolicyPack(options.comparePack!.dir, other) : pack;
      try {
        const again = new PolicyAnalysis({ packDir: options.comparePack?.dir ?? packDir, stack, project: projectName, config: comparedConfig }, judge);
        for (const resource of evaluated.resources) again.analyze(resource);
        policyCompared = { config: comparedConfig, policy: await again.finish(evaluated.resources) };
      } finally {
        if (other) {
          await judge.then(
            (p) => p.stop(),
            () => undefined,
          );
          await other.then(
            (c) => c.stop(),
            () => undefined,
          );
        }
      }
    }
    const secrets = { digests: stackFile.secretDigests, plaintext: stackFile.plaintextSecrets };
    const plan: Plan = {
      project: projectName,
      stack,
      configFile,
      config,
      environmentSource,
      ...evaluated,
      secrets,
      policyConfig: policyConfig ?? {},
      policy,
      ...(policyCompared ? { policyCompared } : {}),
      stackConfig: stackConfigLeaves(stackFile),
    };
    // The plan's own findings about deploying it: what an import would fail on, and the update from the deployed base.
    const rehearsed = [...importFindings(plan.resources), ...(options.base ? updateFindings(options.base, planJson(plan)) : [])];
    return rehearsed.length === 0 ? plan : { ...plan, policy: { ...policy, violations: [...policy.violations, ...rehearsed] } };
  } finally {
    await pack.then(
      (p) => p.stop(),
      () => undefined,
    );
  }
}

/** Secret values as `[secret]`: what a plan shows or writes never holds one. */
export function maskSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(maskSecrets);
  if (value && typeof value === "object") {
    const record = value as Record<string, unknown>;
    if (record[specialSigKey] === secretSig) return "[secret]";
    return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, maskSecrets(v)]));
  }
  return value;
}

/**
 * The plan as its other policy config judged it (`comparePolicyConfigFile`): the same program and
 * resources, that config's verdict. When only a stack's policy config differs between two trees,
 * this is the other tree's plan, made without evaluating the program again.
 */
export function comparedPlan(plan: Plan): Plan | undefined {
  if (!plan.policyCompared) return undefined;
  const { policyCompared, ...rest } = plan;
  return { ...rest, policyConfig: policyCompared.config, policy: policyCompared.policy };
}

export function hasMandatoryViolation(plan: Plan): boolean {
  return plan.policy.violations.some((v) => v.enforcementLevel === "mandatory");
}

/** Every secret-wrapped value within `value`, as its JSON text (the plaintext an offline plan holds is a stand-in). */
function secretTexts(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) for (const v of value) secretTexts(v, out);
  else if (value && typeof value === "object") {
    const record = value as Record<string, unknown>;
    if (record[specialSigKey] === secretSig) out.push(JSON.stringify(record.value ?? null));
    else for (const v of Object.values(record)) secretTexts(v, out);
  }
  return out;
}

/**
 * Per top-level input holding a secret, the stack-file secrets it is made from: those whose offline
 * stand-in its value contains (every secret read as the bare placeholder, when it holds that).
 */
function secretInputSources(inputs: Record<string, unknown>, secretLeaves: string[]): Record<string, string[]> | undefined {
  const out: Record<string, string[]> = {};
  for (const [key, value] of Object.entries(inputs)) {
    const texts = secretTexts(value);
    if (texts.length === 0) continue;
    const sources = secretLeaves.filter((leaf) => texts.some((text) => text.includes(offlineSecretStandIns[leaf] ?? offlineSecretPlaceholder)));
    if (sources.length > 0) out[key] = sources.sort();
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** The plan as `--json` writes it. */
export function planJson(plan: Plan): PlanJson {
  const secretLeaves = Object.keys(plan.secrets.digests);
  return {
    project: plan.project,
    stack: plan.stack,
    configFile: plan.configFile,
    resources: plan.resources.map((r) => {
      const secretInputs = secretLeaves.length > 0 ? secretInputSources(r.inputs, secretLeaves) : undefined;
      return {
        urn: r.urn,
        type: r.type,
        name: r.name,
        parent: r.parent,
        aliases: r.aliases,
        custom: r.custom,
        provider: r.provider,
        region: r.region ?? null,
        inputs: maskSecrets(r.inputs) as Record<string, unknown>,
        dependencies: r.dependencies,
        propertyDependencies: r.propertyDependencies,
        // The diff says whether a replace leaves a gap (the engine takes the option from the head
        // program) and what a delete leaves behind.
        ...(r.options.deleteBeforeReplace || r.options.retainOnDelete
          ? { options: { ...(r.options.deleteBeforeReplace ? { deleteBeforeReplace: true } : {}), ...(r.options.retainOnDelete ? { retainOnDelete: true } : {}) } }
          : {}),
        ...(secretInputs ? { secretInputs } : {}),
      };
    }),
    stackOutputs: maskSecrets(plan.stackOutputs) as Record<string, unknown>,
    secrets: plan.secrets,
    policyPack: { name: plan.policy.packName, version: plan.policy.packVersion, policies: plan.policy.policies },
    violations: plan.policy.violations,
    recovery: planRecovery(plan.resources),
    waivers: waiversInPackConfig(plan.policyConfig).map(({ policy, waiver }) => ({
      policy,
      id: waiver.id,
      controls: waiverControls(waiver),
      covers: waiver.covers.says,
      condition: waiver.condition.says,
      reason: waiver.reason,
      owner: waiver.owner,
      reviewBy: waiver.reviewBy,
    })),
    policyConfig: plan.policyConfig,
    ...(plan.policyCompared ? { policyConfigCompared: { config: plan.policyCompared.config, violations: plan.policyCompared.policy.violations } } : {}),
    stackConfig: plan.stackConfig,
    placeholders: plan.placeholders,
  };
}
