/**
 * The edge's CrossGuard policy pack. Loaded by `pulumi preview --policy-pack policies` and by the
 * offline plan, which drives this same process over the Analyzer protocol.
 *
 * The constructor stays alone here: it starts the analyzer server, so it must run once per process.
 */
import { PolicyPack } from "@pulumi/policy";
import { policyPackName, policies } from "./pack";

new PolicyPack(policyPackName, { enforcementLevel: "mandatory", policies });
