/**
 * Every provider's contract table by resource type, and the judge: `enforce-api-contracts` holds
 * each planned resource against it, and the offline plan checks what adopting an existing resource
 * needs (`importProblems`).
 *
 * Pure module: no Pulumi imports.
 */
import { awsContracts } from "../aws/contracts";
import { cloudflareContracts } from "../cloudflare/contracts";
import type { TypeContract } from "./contract";

export * from "./contract";

/** The API contract of every resource type the program declares, by type token. */
export const apiContracts: Readonly<Record<string, TypeContract>> = { ...awsContracts, ...cloudflareContracts };
