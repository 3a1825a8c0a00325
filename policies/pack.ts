/** Every policy of the pack, in report order. Tests import this list without starting a server. */
import type { Policies } from "@pulumi/policy";
import { enforceFailoverTtl } from "./dns/enforceFailoverTtl";

export const policyPackName = "edge-guardrails";

export const policies: Policies = [enforceFailoverTtl];
