/**
 * The one stack configuration schema of the edge. Every key lives under the `edge:` namespace of a
 * Pulumi stack file (`stacks/Pulumi.<stack>.yaml`), so the same YAML serves `pulumi up` and the
 * offline plan. Every field carries a `.describe()` and a `.default()` wherever a default is safe
 * (fields without a safe default are required); the config reference (docs/reference/config.md) is generated from both,
 * so a default is written once, in `.default()`, or as `.meta({ defaultText })` where the program
 * decides it from other fields.
 *
 * Pure module: no Pulumi imports, so the program, the plan tool and the tests share this copy.
 */
import { z } from "zod";
import { shownValue } from "../models/shownValue";
import { awsRegion, domainName } from "./configFields";
import { ingestConfig, nginxConfig, datastoreConfig } from "./ingestConfig";
import { dnsConfig, cdnConfig } from "./dnsConfig";
import { networkConfig, quotasConfig, alarmsConfig } from "./accountConfig";
import { crossFieldChecks } from "./crossFieldRules";
import { decideEnvironment, environments } from "./environment";
import { describeIssue, StackConfigError, withoutSafeIntegerRange } from "./configIssues";

export { shownValue };
export { configNamespace, configPath, StackConfigError } from "./configIssues";
export { decideEnvironment, environments, type Environment, type EnvironmentDecision, type EnvironmentSource } from "./environment";
export { recordTypes, type RecordConfig } from "./configFields";

const stackConfigObject = z.strictObject({
  environment: z
    .enum(environments)
    .default("prod")
    .meta({ defaultText: "the stack's name when it is `dev` or `prod`, else `prod`, the stricter" })
    .describe(
      "Which rules apply: `prod` requires at least two regions (incident 002: tracking in two independent regions). A stack named `dev` or `prod` is that environment and may not say another.",
    ),
  domain: domainName.describe("The zone the edge serves, e.g. `example.com`."),
  regions: z
    .array(awsRegion)
    .min(1, "expected at least 1 region")
    .max(30, "expected at most 30 regions")
    .refine((r) => new Set(r).size === r.length, { message: "each region may be listed once" })
    .describe("AWS regions that run ingestion, first one primary for the snippet origin."),
  ingest: ingestConfig,
  nginx: nginxConfig,
  datastore: datastoreConfig,
  dns: dnsConfig,
  cdn: cdnConfig,
  network: networkConfig,
  quotas: quotasConfig,
  alarms: alarmsConfig,
});

/** The config as the rules across fields read it. */
export type CheckedConfig = z.output<typeof stackConfigObject>;
export const stackConfigSchema = stackConfigObject.check(...crossFieldChecks);

/** The validated stack configuration, every default applied. */
export type StackConfig = z.output<typeof stackConfigSchema>;
/** What a stack file may say: everything with a default is optional. */
export type StackConfigInput = z.input<typeof stackConfigSchema>;

/** Max connections of a region's datastore: its endpoint's own, else `edge:datastore.maxConnections`. */
export function datastoreMaxConnections(datastore: StackConfig["datastore"], region: string): number {
  return datastore.endpoints[region]?.maxConnections ?? datastore.maxConnections;
}

/**
 * Validates the `edge:` keys of a stack (without their namespace) and applies every default; the
 * environment is decided by {@link decideEnvironment} from `stack`, the stack's name (undefined
 * for a file that is not a stack yet). Throws a {@link StackConfigError} listing every problem.
 */
export function parseStackConfig(raw: Record<string, unknown>, stack?: string): StackConfig {
  const decided = decideEnvironment(stack, raw.environment);
  const result = stackConfigSchema.safeParse(decided.environment === undefined ? raw : { ...raw, environment: decided.environment }, { reportInput: true });
  const problems = [...(decided.problem ? [decided.problem] : []), ...(result.success ? [] : withoutSafeIntegerRange(result.error.issues).flatMap(describeIssue))];
  if (problems.length > 0 || !result.success) throw new StackConfigError(problems);
  return result.data;
}
