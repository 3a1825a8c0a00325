/** Every policy of the pack, in report order. Tests import this list without starting a server. */
import type { Policies } from "@pulumi/policy";
import { configureAlarmThresholds } from "./alarms/configureAlarmThresholds";
import { enforceAlarmActions } from "./alarms/enforceAlarmActions";
import { enforceAlarmCoverage } from "./alarms/enforceAlarmCoverage";
import { disallowPlainHttpViewers } from "./cdn/disallowPlainHttpViewers";
import { disallowPublicBucket } from "./cdn/disallowPublicBucket";
import { enforceOriginFailover } from "./cdn/enforceOriginFailover";
import { enforceFailoverTtl } from "./dns/enforceFailoverTtl";
import { configureMinimumTls } from "./security/configureMinimumTls";
import { disallowPublicBucketAcl } from "./security/disallowPublicBucketAcl";
import { disallowPublicIngress } from "./security/disallowPublicIngress";
import { disallowWildcardIam } from "./security/disallowWildcardIam";
import { enableEbsEncryption } from "./security/enableEbsEncryption";
import { enableTopicEncryption } from "./security/enableTopicEncryption";
import { enforceDnsValidation } from "./security/enforceDnsValidation";
import { enforceImdsV2 } from "./security/enforceImdsV2";

export const policyPackName = "edge-guardrails";

export const policies: Policies = [
  enforceFailoverTtl,
  enforceOriginFailover,
  disallowPlainHttpViewers,
  disallowPublicBucket,
  enforceAlarmActions,
  enforceAlarmCoverage,
  configureAlarmThresholds,
  // Security baseline (issue 8).
  disallowPublicBucketAcl,
  enforceImdsV2,
  enableEbsEncryption,
  enableTopicEncryption,
  disallowPublicIngress,
  disallowWildcardIam,
  enforceDnsValidation,
  configureMinimumTls,
];
