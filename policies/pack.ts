/** Every policy of the pack, in report order. Tests import this list without starting a server. */
import type { Policies } from "@pulumi/policy";
import { configureAlarmThresholds } from "./alarms/configureAlarmThresholds";
import { enforceAlarmActions } from "./alarms/enforceAlarmActions";
import { enforceAlarmCoverage } from "./alarms/enforceAlarmCoverage";
import { disallowPlainHttpViewers } from "./cdn/disallowPlainHttpViewers";
import { disallowPublicBucket } from "./cdn/disallowPublicBucket";
import { enforceOriginFailover } from "./cdn/enforceOriginFailover";
import { enforceDrainBeforeTerminate } from "./availability/enforceDrainBeforeTerminate";
import { enforceDatastoreBudget } from "./capacity/enforceDatastoreBudget";
import { enforceProxyMemory } from "./capacity/enforceProxyMemory";
import { enforceRegionLossCapacity } from "./capacity/enforceRegionLossCapacity";
import { missingSecondRegion } from "./capacity/missingSecondRegion";
import { enforceFailoverTtl } from "./dns/enforceFailoverTtl";
import { enforceProviderParity } from "./dns/enforceProviderParity";
import { enforceResponseSize } from "./dns/enforceResponseSize";
import { enforceSnippetOnCdn } from "./dns/enforceSnippetOnCdn";
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
  enforceProviderParity,
  enforceResponseSize,
  enforceSnippetOnCdn,
  enforceOriginFailover,
  disallowPlainHttpViewers,
  disallowPublicBucket,
  enforceProxyMemory,
  enforceRegionLossCapacity,
  enforceDatastoreBudget,
  missingSecondRegion,
  enforceDrainBeforeTerminate,
  enforceAlarmActions,
  enforceAlarmCoverage,
  configureAlarmThresholds,
  // Security baseline: no post-mortem of their own, the hygiene every internet-facing stack needs.
  disallowPublicBucketAcl,
  enforceImdsV2,
  enableEbsEncryption,
  enableTopicEncryption,
  disallowPublicIngress,
  disallowWildcardIam,
  enforceDnsValidation,
  configureMinimumTls,
];
