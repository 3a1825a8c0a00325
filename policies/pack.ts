/** Every policy of the pack, in report order. Tests import this list without starting a server. */
import type { Policies } from "@pulumi/policy";
import { configureAlarmThresholds } from "./alarms/configureAlarmThresholds";
import { enforceAlarmActions } from "./alarms/enforceAlarmActions";
import { enforceAlarmCoverage } from "./alarms/enforceAlarmCoverage";
import { disallowPlainHttpViewers } from "./cdn/disallowPlainHttpViewers";
import { disallowPublicBucket } from "./cdn/disallowPublicBucket";
import { enforceOriginFailover } from "./cdn/enforceOriginFailover";
import { enforceFailoverTtl } from "./dns/enforceFailoverTtl";

export const policyPackName = "edge-guardrails";

export const policies: Policies = [
  enforceFailoverTtl,
  enforceOriginFailover,
  disallowPlainHttpViewers,
  disallowPublicBucket,
  enforceAlarmActions,
  enforceAlarmCoverage,
  configureAlarmThresholds,
];
