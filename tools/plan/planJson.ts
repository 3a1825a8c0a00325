/**
 * The plan as `npm run plan -- --json` writes it: the contract between the plan (writer) and the
 * diff and pr-check (readers). Types only, and only from the pure models: readers stay free of Pulumi.
 */
import type { RecoveryReport } from "../../models/recovery";

/** The stack's root resource type. */
export const rootStackType = "pulumi:pulumi:Stack";

/** One resource: what the program declared, secrets masked as `[secret]`. */
export interface PlanJsonResource {
  urn: string;
  type: string;
  name: string;
  /** The parent's URN; empty for the stack root. */
  parent: string;
  /** URNs the resource was known by before (its resolved `aliases`); absent in plans written before aliases were recorded. */
  aliases?: string[];
  /** True for provider-managed resources, false for components and the stack. */
  custom: boolean;
  /** An explicit provider reference (`urn::id`), empty for the default provider. */
  provider?: string;
  /** AWS region the resource lives in; null for global services and other clouds. */
  region: string | null;
  inputs: Record<string, unknown>;
  dependencies: string[];
  /**
   * The resource options the diff needs, written only when set: `deleteBeforeReplace` deletes the
   * old resource before creating its replacement. Absent: the engine's default, create first.
   */
  options?: { deleteBeforeReplace?: boolean };
  /** Per input, the URNs it came from; absent in plans written before they were recorded. */
  propertyDependencies?: Record<string, string[]>;
}

/** One policy finding. */
export interface PlanJsonViolation {
  policyName: string;
  enforcementLevel: string;
  /** The resource the finding's number comes from; empty only when no resource applies. */
  urn: string;
  /**
   * What the finding is about within its resource (a DNS query, a region, a config key), stable
   * while its numbers move; empty when the policy names none. Findings of two plans pair by
   * policy, URN and subject.
   */
  subject?: string;
  message: string;
}

export interface PlanJsonPolicyPack {
  name: string;
  version: string;
  policies?: { name: string; description: string; enforcementLevel: string }[];
}

/** The stack file's secrets, never their values. */
export interface PlanJsonSecrets {
  /** Each `secure:` leaf (`edge:alarms.webhookUrl`) to a digest of its ciphertext: it changes when the secret is rotated. */
  digests: Record<string, string>;
  /** Leaves given in plain text where a secret belongs. */
  plaintext: string[];
}

export interface PlanJson {
  project?: string;
  stack: string;
  /** The stack file planned. */
  configFile?: string;
  resources: PlanJsonResource[];
  violations: PlanJsonViolation[];
  stackOutputs?: Record<string, unknown>;
  secrets?: PlanJsonSecrets;
  policyPack?: PlanJsonPolicyPack;
  /** Recovery time per failure mode from the declared resources; absent in plans written before it was recorded. */
  recovery?: RecoveryReport;
  /** The waivers of policies/waivers.ts the policy config takes, each with the policy whose config names it. */
  waivers?: PlanJsonWaiver[];
}

export interface PlanJsonWaiver {
  policy: string;
  id: string;
  controls: readonly string[];
  /** The resources it covers, in words. */
  covers: string;
  /** The condition it relies on, which the policy checked on this plan. */
  condition: string;
  reason: string;
  owner: string;
  reviewBy: string;
}
