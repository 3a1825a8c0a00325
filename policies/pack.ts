/**
 * Every policy of the pack, in report order, each with its metadata record (`metadata.ts`:
 * severity, service, incident, remediation, catalog controls per check), from which the pack sets
 * Pulumi Cloud's policy fields. The policy table of docs/reference/policies.md and docs/policies.md
 * are generated from this list. Tests import it without starting a server.
 */
import type { Policies, Policy } from "@pulumi/policy";
import { metadataFor, PolicyMetadata, policyControls, policyFramework, policyTags, policyUrl } from "./metadata";
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

import { configureAcmCertificate } from "./security/configureAcmCertificate";
import { configureLogGroup } from "./security/configureLogGroup";
import { configureDefaultRootObject } from "./cdn/configureDefaultRootObject";
import { configureGeoRestriction } from "./cdn/configureGeoRestriction";
import { enableCdnAccessLogs } from "./cdn/enableCdnAccessLogs";
import { enableCdnWaf } from "./cdn/enableCdnWaf";
import { enforceCdnHsts } from "./cdn/enforceCdnHsts";
import { enforceCdnOriginTls } from "./cdn/enforceCdnOriginTls";
import { disallowForeignAddresses } from "./dns/disallowForeignAddresses";
import { disallowProxiedRecords } from "./dns/disallowProxiedRecords";
import { enableDnssecSigning } from "./dns/enableDnssecSigning";
import { enableQueryLogging } from "./dns/enableQueryLogging";
import { disallowIamPrivilegeEscalation } from "./iam/disallowIamPrivilegeEscalation";
import { disallowPublicKeyPolicy } from "./kms/disallowPublicKeyPolicy";
import { enforceTargetGroupTls } from "./lb/enforceTargetGroupTls";
import { disallowPublicPrefixLists } from "./network/disallowPublicPrefixLists";
import { disallowSubnetPublicIp } from "./network/disallowSubnetPublicIp";
import { disableBucketAcls } from "./s3/disableBucketAcls";
import { disallowForeignBucketAccess } from "./s3/disallowForeignBucketAccess";
import { enableBucketAccessLogs } from "./s3/enableBucketAccessLogs";
import { enableBucketEncryption } from "./s3/enableBucketEncryption";
import { enableBucketEventNotifications } from "./s3/enableBucketEventNotifications";
import { enableBucketKmsEncryption } from "./s3/enableBucketKmsEncryption";
import { enableBucketLifecycle } from "./s3/enableBucketLifecycle";
import { enableBucketObjectLock } from "./s3/enableBucketObjectLock";
import { enableBucketReplication } from "./s3/enableBucketReplication";
import { enableBucketVersioning } from "./s3/enableBucketVersioning";
import { enforceBucketTls } from "./s3/enforceBucketTls";

export const policyPackName = "edge-guardrails";

export interface PackEntry {
  /** The policy as the pack serves it: Pulumi Cloud's fields set from its metadata. */
  policy: Policy;
  metadata: PolicyMetadata;
}

/** The policies in report order: incidents first, then the security baseline by area. */
const ordered: Policy[] = [
  enforceFailoverTtl,
  enforceProviderParity,
  enforceResponseSize,
  enforceSnippetOnCdn,
  disallowHalfSignedZone,
  enforceOriginFailover,
  disallowPlainHttpViewers,
  disallowPublicBucket,
  enforceProxyMemory,
  enforceRegionLossCapacity,
  enforceDatastoreBudget,
  missingSecondRegion,
  enforceDrainBeforeTerminate,
  enforceRecoveryTime,
  enforceAlarmActions,
  enforceAlarmCoverage,
  configureAlarmThresholds,
  // S3.
  disallowPublicBucketAcl,
  disallowForeignBucketAccess,
  enforceBucketTls,
  disableBucketAcls,
  enableBucketVersioning,
  enableBucketLifecycle,
  enableBucketEncryption,
  enableBucketKmsEncryption,
  enableBucketAccessLogs,
  enableBucketReplication,
  enableBucketEventNotifications,
  enableBucketObjectLock,
  enforceOriginReplication,
  // CloudFront.
  configureMinimumTls,
  enforceCdnOriginTls,
  enforceOriginAccessControl,
  enforceDeclaredOriginBuckets,
  configureDefaultRootObject,
  enforceCdnHsts,
  enableCdnAccessLogs,
  enableCdnWaf,
  configureGeoRestriction,
  // Certificates and load balancers.
  enforceDnsValidation,
  configureAcmCertificate,
  configureListenerTls,
  enableDeletionProtection,
  enableAccessLogs,
  enforceTargetGroupTls,
  // Compute and network.
  enforceImdsV2,
  enableEbsEncryption,
  disallowLaunchConfiguration,
  disallowPublicHostIp,
  disallowSubnetPublicIp,
  disallowPublicIngress,
  disallowPublicEgress,
  disallowPublicPrefixLists,
  disallowDefaultSecurityGroupRules,
  enableVpcFlowLogs,
  enforceRequiredPaths,
  disallowUnneededPaths,
  // IAM and KMS.
  disallowWildcardIam,
  disallowIamPrivilegeEscalation,
  disallowBroadManagedPolicies,
  enforceServiceTrust,
  enableKeyRotation,
  disallowPublicKeyPolicy,
  enableTopicEncryption,
  // DNS records, Route 53 logging and signing, CloudWatch Logs, Cloudflare.
  enableQueryLogging,
  enableDnssecSigning,
  configureLogGroup,
  missingCaa,
  missingDmarc,
  disallowDanglingRecords,
  disallowForeignAddresses,
  disallowProxiedRecords,
  // What the clouds' APIs accept.
  enforceApiContracts,
];

/** A policy with Pulumi Cloud's fields (severity, remediation, documentation, framework, tags) set from its metadata. */
export function withMetadata(policy: Policy, metadata: PolicyMetadata): Policy {
  const framework = policyFramework(metadata);
  return {
    ...policy,
    severity: metadata.severity,
    remediationSteps: metadata.remediationSteps,
    url: policyUrl(metadata.name),
    tags: policyTags(metadata),
    ...(framework ? { framework } : {}),
  } as Policy;
}

export const packEntries: readonly PackEntry[] = ordered.map((policy) => {
  const metadata = metadataFor(policy.name);
  return { policy: withMetadata(policy, metadata), metadata };
});

/** Catalog controls a policy cites, each once (`metadata.ts`). */
export function entryControls(entry: PackEntry): string[] {
  return policyControls(entry.metadata);
}

export const policies: Policies = packEntries.map((entry) => entry.policy) as Policies;
