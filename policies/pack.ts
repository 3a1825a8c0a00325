/** Every policy of the pack, in report order. Tests import this list without starting a server. */
import type { Policies } from "@pulumi/policy";
import { configureAlarmThresholds } from "./alarms/configureAlarmThresholds";
import { enforceAlarmActions } from "./alarms/enforceAlarmActions";
import { enforceAlarmCoverage } from "./alarms/enforceAlarmCoverage";
import { enforceFailoverTtl } from "./dns/enforceFailoverTtl";

export const policyPackName = "edge-guardrails";

export const policies: Policies = [enforceFailoverTtl, enforceAlarmActions, enforceAlarmCoverage, configureAlarmThresholds];
