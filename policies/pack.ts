/**
 * Every policy of the pack, in report order, with the catalog controls it covers and the incident
 * it prevents (the policy table of docs/reference/policies.md is generated from this). Tests import this list without
 * starting a server.
 */
import type { Policies, Policy } from "@pulumi/policy";
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
import { enforceRecoveryTime } from "./recovery/enforceRecoveryTime";
import { disallowDanglingRecords } from "./dns/disallowDanglingRecords";
import { disallowHalfSignedZone } from "./dns/disallowHalfSignedZone";
import { missingCaa } from "./dns/missingCaa";
import { missingDmarc } from "./dns/missingDmarc";
import { configureMinimumTls } from "./security/configureMinimumTls";
import { disallowPublicBucketAcl } from "./security/disallowPublicBucketAcl";
import { disallowPublicIngress } from "./security/disallowPublicIngress";
import { disallowWildcardIam } from "./security/disallowWildcardIam";
import { enableEbsEncryption } from "./security/enableEbsEncryption";
import { enableTopicEncryption } from "./security/enableTopicEncryption";
import { enforceDnsValidation } from "./security/enforceDnsValidation";
import { enforceImdsV2 } from "./security/enforceImdsV2";
import { enforceListedWaivers } from "./security/enforceListedWaivers";
import { enforceDeclaredOriginBuckets } from "./cdn/enforceDeclaredOriginBuckets";
import { enforceOriginAccessControl } from "./cdn/enforceOriginAccessControl";
import { enforceOriginReplication } from "./cdn/enforceOriginReplication";
import { disallowLaunchConfiguration } from "./compute/disallowLaunchConfiguration";
import { disallowPublicHostIp } from "./compute/disallowPublicHostIp";
import { disallowBroadManagedPolicies } from "./iam/disallowBroadManagedPolicies";
import { enforceServiceTrust } from "./iam/enforceServiceTrust";
import { enableKeyRotation } from "./kms/enableKeyRotation";
import { configureListenerTls } from "./lb/configureListenerTls";
import { enableAccessLogs } from "./lb/enableAccessLogs";
import { enableDeletionProtection } from "./lb/enableDeletionProtection";
import { disallowDefaultSecurityGroupRules } from "./network/disallowDefaultSecurityGroupRules";
import { disallowPublicEgress } from "./network/disallowPublicEgress";
import { disallowUnneededPaths } from "./network/disallowUnneededPaths";
import { enforceRequiredPaths } from "./network/enforceRequiredPaths";
import { enableVpcFlowLogs } from "./network/enableVpcFlowLogs";
import { enforceApiContracts } from "./api/enforceApiContracts";

export const policyPackName = "edge-guardrails";

export interface PackEntry {
  policy: Policy;
  /** Catalog control ids it covers (Checkov CKV_*, trivy AVD-AWS-*, Security Hub); empty where no catalog has the rule. */
  controls: readonly string[];
  /** The post-mortem it prevents, e.g. `000`; undefined for the plain security baseline. */
  incident?: string;
}

export const packEntries: readonly PackEntry[] = [
  { policy: enforceFailoverTtl, controls: [], incident: "000" },
  { policy: enforceProviderParity, controls: [], incident: "001" },
  { policy: enforceResponseSize, controls: [], incident: "001" },
  { policy: enforceSnippetOnCdn, controls: [], incident: "000" },
  { policy: disallowHalfSignedZone, controls: [], incident: "001" },
  { policy: enforceOriginFailover, controls: [], incident: "000" },
  { policy: disallowPlainHttpViewers, controls: ["CloudFront.3", "CKV_AWS_34", "AVD-AWS-0012"], incident: "000" },
  { policy: disallowPublicBucket, controls: ["S3.1", "S3.2", "S3.8", "CKV_AWS_53", "CKV_AWS_54", "CKV_AWS_55", "CKV_AWS_56", "AVD-AWS-0086", "AVD-AWS-0087", "AVD-AWS-0091", "AVD-AWS-0093"], incident: "000" },
  { policy: enforceProxyMemory, controls: [], incident: "000" },
  { policy: enforceRegionLossCapacity, controls: [], incident: "002" },
  { policy: enforceDatastoreBudget, controls: [], incident: "002" },
  { policy: missingSecondRegion, controls: [], incident: "002" },
  { policy: enforceDrainBeforeTerminate, controls: [], incident: "003" },
  { policy: enforceRecoveryTime, controls: [], incident: "003" },
  { policy: enforceAlarmActions, controls: [], incident: "000" },
  { policy: enforceAlarmCoverage, controls: [], incident: "000" },
  { policy: configureAlarmThresholds, controls: [], incident: "000" },
  { policy: disallowPublicBucketAcl, controls: ["S3.12", "CKV_AWS_20", "CKV_AWS_57", "AVD-AWS-0092"] },
  { policy: enforceImdsV2, controls: ["EC2.8", "EC2.170", "AutoScaling.3", "AutoScaling.4", "CKV_AWS_79", "CKV_AWS_341", "AVD-AWS-0028", "AVD-AWS-0130"] },
  { policy: enableEbsEncryption, controls: ["EC2.3", "CKV_AWS_3", "CKV_AWS_8", "AVD-AWS-0008", "AVD-AWS-0131"] },
  { policy: enableTopicEncryption, controls: ["SNS.1", "CKV_AWS_26", "AVD-AWS-0095", "AVD-AWS-0136"], incident: "000" },
  { policy: disallowPublicIngress, controls: ["EC2.13", "EC2.14", "EC2.18", "EC2.19", "CKV_AWS_24", "CKV_AWS_25", "CKV_AWS_260", "AVD-AWS-0107"] },
  { policy: disallowWildcardIam, controls: ["IAM.1", "IAM.21", "CKV_AWS_62", "CKV_AWS_63", "CKV_AWS_290", "CKV_AWS_355", "AVD-AWS-0057"] },
  { policy: enforceDnsValidation, controls: ["ACM.1"] },
  { policy: configureMinimumTls, controls: ["CloudFront.7", "CloudFront.8", "CloudFront.15", "CKV_AWS_174", "AVD-AWS-0013"], incident: "000" },
  { policy: configureListenerTls, controls: ["ELB.17", "CKV_AWS_2", "CKV_AWS_103", "AVD-AWS-0047", "AVD-AWS-0054"] },
  { policy: enableDeletionProtection, controls: ["ELB.6", "CKV_AWS_150"], incident: "001" },
  { policy: enableAccessLogs, controls: ["ELB.5", "CKV_AWS_91"] },
  { policy: disallowBroadManagedPolicies, controls: ["CKV_AWS_274", "AVD-AWS-0057"] },
  { policy: enforceServiceTrust, controls: ["CKV_AWS_60", "CKV_AWS_61"] },
  { policy: disallowLaunchConfiguration, controls: ["AutoScaling.9"], incident: "003" },
  { policy: disallowPublicHostIp, controls: ["EC2.9", "EC2.25", "AutoScaling.5", "CKV_AWS_88", "AVD-AWS-0009"] },
  { policy: enforceOriginAccessControl, controls: ["CloudFront.13", "CloudFront.2"], incident: "000" },
  { policy: enforceDeclaredOriginBuckets, controls: ["CloudFront.12"], incident: "000" },
  { policy: enforceOriginReplication, controls: ["S3.7", "CKV_AWS_144"], incident: "000" },
  { policy: enableKeyRotation, controls: ["KMS.4", "CKV_AWS_7", "AVD-AWS-0065"] },
  { policy: enableVpcFlowLogs, controls: ["EC2.6", "CKV2_AWS_11", "AVD-AWS-0178"] },
  { policy: disallowDefaultSecurityGroupRules, controls: ["EC2.2", "CKV2_AWS_12"] },
  { policy: disallowPublicEgress, controls: ["CKV_AWS_382", "AVD-AWS-0104"] },
  { policy: enforceRequiredPaths, controls: [], incident: "002" },
  { policy: disallowUnneededPaths, controls: [] },
  { policy: missingCaa, controls: [] },
  { policy: missingDmarc, controls: [] },
  { policy: disallowDanglingRecords, controls: [] },
  { policy: enforceListedWaivers, controls: [] },
  { policy: enforceApiContracts, controls: [] },
];

export const policies: Policies = packEntries.map((entry) => entry.policy);
