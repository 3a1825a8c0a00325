/**
 * The plan as `npm run plan -- --json` writes it: the contract between the plan (writer) and the
 * diff and pr-check (readers). Types only, and only from the pure models: readers stay free of Pulumi.
 */
import type { DeclaredResource } from "../../models/declaredResource";
import type { RecoveryReport } from "../../models/recovery";

/** The stack's root resource type. */
export const rootStackType = "pulumi:pulumi:Stack";

/** One resource: what the program declared (a declared resource, as the models read it), secrets masked as `[secret]`. */
export interface PlanJsonResource extends DeclaredResource {
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
   * old resource before creating its replacement (absent: the engine's default, create first);
   * `retainOnDelete` leaves it in the cloud when the stack deletes it (the update rehearsal needs
   * to know what stays behind, e.g. records left in a zone).
   */
  options?: { deleteBeforeReplace?: boolean; retainOnDelete?: boolean };
  /** Per input, the URNs it came from; absent in plans written before they were recorded. */
  propertyDependencies?: Record<string, string[]>;
  /**
   * Per top-level input holding a secret (masked as `[secret]` in `inputs`), the stack-file secrets
   * (`edge:alarms.webhookUrl`) its value is made from: when one's ciphertext digest
   * (`secrets.digests`) differs between two plans, the input changed though both read `[secret]`.
   */
  secretInputs?: Record<string, string[]>;
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
  policies?: { name: string; description: string; enforcementLevel: string; bounds?: Record<string, PlanJsonPolicyBound> }[];
}

/** A policy's config property as its config schema publishes it: what an unset bound is. */
export interface PlanJsonPolicyBound {
  default?: unknown;
  description?: string;
}

/**
 * A value the offline plan's mocks invented where a real deploy gets one from the provider (an
 * address, an id, an ARN, a generated name): it exists only after apply (or in the stack's state),
 * so the diff shows it as such, never as fact.
 */
export interface PlanJsonPlaceholder {
  value: string;
  /** What it stands for: `publicIp of aws:ec2/eip:Eip ingest-us-east-1-ip-1`. */
  of: string;
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
  /** The policy config the pack judged with (`--policy-pack-config` format); absent in older plans. */
  policyConfig?: Record<string, unknown>;
  /**
   * The same resources judged again with another policy config (the base's, when a pull request
   * changes it): what that config refuses that this plan's does not is what the change admits.
   */
  policyConfigCompared?: { config: Record<string, unknown>; violations: PlanJsonViolation[] };
  /** The stack file's config by leaf (`edge:dns.ttl` → 60), secret leaves left out (their digests are in `secrets`). */
  stackConfig?: Record<string, unknown>;
  /** Values the mocks invented (`PlanJsonPlaceholder`). */
  placeholders?: PlanJsonPlaceholder[];
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
