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
import type { PackConnection } from "./packProcess";
import type { PlanJson, PlanJsonSecrets } from "./planJson";
import { planRecovery } from "./sections/recovery";
import { explainSecretProblems, readStackFile, StackFileError } from "./stackFile";

export const projectRoot = resolve(__dirname, "..", "..");
export const projectName = "edge";

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
  /** Entry module of the program. Defaults to the project's `index.ts` (tests plan fixtures that extend it). */
  program?: string;
  /** The pack, when the caller started (or was lent) it before loading this module (`run.ts` does); the caller ends it. */
  pack?: Promise<PackConnection>;
  /** Called once the program has run and every resource is recorded, before the pack's verdict on the stack. */
  evaluated?: () => void;
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
}

export function stackFilePath(stack: string): string {
  return join(projectRoot, "stacks", `Pulumi.${stack}.yaml`);
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

  const packDir = join(projectRoot, "policies");
  const pack = startPolicyPack(packDir, options.pack);
  const analysis = new PolicyAnalysis({ packDir, stack, project: projectName, config: policyConfig }, pack);
  try {
    const evaluated = await evaluateProgram({
      program: options.program ?? join(projectRoot, "index.ts"),
      project: projectName,
      stack,
      config: stackFile.config,
      secretKeys: stackFile.secretKeys,
      defaultRegion: stackFile.config["aws:region"] ?? config.regions[0],
      onRegister: (resource) => analysis.analyze(resource),
    });
    options.evaluated?.();
    const policy = await analysis.finish(evaluated.resources);
    const secrets = { digests: stackFile.secretDigests, plaintext: stackFile.plaintextSecrets };
    return { project: projectName, stack, configFile, config, environmentSource, ...evaluated, secrets, policyConfig: policyConfig ?? {}, policy };
  } finally {
    await pack.then((p) => p.stop(), () => undefined);
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

export function hasMandatoryViolation(plan: Plan): boolean {
  return plan.policy.violations.some((v) => v.enforcementLevel === "mandatory");
}

/** The plan as `--json` writes it. */
export function planJson(plan: Plan): PlanJson {
  return {
    project: plan.project,
    stack: plan.stack,
    configFile: plan.configFile,
    resources: plan.resources.map((r) => ({
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
      // The diff says whether a replace leaves a gap; the engine takes the option from the head program.
      ...(r.options.deleteBeforeReplace ? { options: { deleteBeforeReplace: true } } : {}),
    })),
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
  };
}
