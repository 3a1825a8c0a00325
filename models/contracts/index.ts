/**
 * Every provider's contract table by resource type, and the judge: `enforce-api-contracts` holds
 * each planned resource against it, and the offline plan checks what adopting an existing resource
 * needs (`importProblems`).
 *
 * Pure module: no Pulumi imports.
 */
import { awsContracts } from "../aws/contracts";
import { cloudflareContracts } from "../cloudflare/contracts";
import { autoNameSuffixLength, type TypeContract } from "./contract";

export * from "./contract";

/** The API contract of every resource type the program declares, by type token. */
export const apiContracts: Readonly<Record<string, TypeContract>> = { ...awsContracts, ...cloudflareContracts };

/**
 * The longest resource name whose auto-named value (`name-` and 7 random characters) the API of
 * `type` accepts: the length limit of the type's auto-named property. Undefined for a type the
 * provider does not auto-name.
 */
export function autoNamedResourceNameLimit(type: string): number | undefined {
  const contract = apiContracts[type];
  const property = contract?.autoName?.property;
  const limits = property ? contract.properties[property]?.accepts.flatMap((a) => (a.kind === "length" ? [a.max] : [])) : [];
  return limits && limits.length > 0 ? Math.min(...limits) - autoNameSuffixLength : undefined;
}

/**
 * The resource name for a resource the provider auto-names: `preferred` when its auto-named value
 * fits what the API accepts (so a deployed stack keeps its resources), else `fallback`, which must.
 * An ELB name holds 32 characters: `ingest-ap-southeast-1-nlb` and 8 random ones do not fit.
 */
export function nameWithinAutoNameLimit(type: string, preferred: string, fallback: string): string {
  const limit = autoNamedResourceNameLimit(type);
  if (limit === undefined || preferred.length <= limit) return preferred;
  if (fallback.length > limit) throw new Error(`${type} ${fallback}: too long for the provider's auto-name (${limit} characters before the random suffix)`);
  return fallback;
}
