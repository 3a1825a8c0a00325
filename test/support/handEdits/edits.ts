/**
 * The hand-edit suite's universe: program-level edits of the prod stack, generated per resource
 * type the pack judges from a table of mutators (flip a security-relevant property, widen a
 * principal, action or CIDR, drop a companion resource), each applied to every resource of its
 * type the unedited plan declares; plus the hand-added resources the last review found passing.
 *
 * Each edit says what must happen: refused (exit 1) by a named policy, its message citing the
 * named controls (and not citing `uncited`: a catalog rule that passes the case); a clear refusal
 * to plan (exit 2); or allowed (exit 0), with the reason it is not a weakening. No edit may crash
 * the plan (exit 70).
 */
import * as aws from "@pulumi/aws";
import * as cloudflare from "@pulumi/cloudflare";
import type * as pulumi from "@pulumi/pulumi";
import { resourceTypes as t } from "../../../models/resourceTypes";
import type { PlannedResource } from "../../../tools/plan/evaluate";
import type { EditAction } from "./current";

export type Expectation = { refusedBy: string; controls?: string[]; uncited?: string[] } | { unplannable: string } | { allowed: string };

export interface HandEdit {
  /** `<mutator>@<resource>`: stable across runs, so a failure names what to replay. */
  id: string;
  kind: "flip" | "widen" | "drop" | "add";
  /** The type the edit targets (a mutator's) or adds. */
  type: string;
  action: EditAction;
  expect: Expectation;
}

type Props = Record<string, any>;

/** The pulumi module the program runs with, for Outputs in changed inputs (the fixture passes its own). */
let sdk: typeof pulumi;
function outputOf<T>(value: T): pulumi.Output<any> {
  sdk ??= require("@pulumi/pulumi");
  return sdk.output(value as any);
}

/** A JSON document input (a policy), changed as an object. */
const json = (value: unknown, change: (doc: Props) => Props) => outputOf(value).apply((text: string) => JSON.stringify(change(JSON.parse(text))));

interface Mutator {
  name: string;
  kind: HandEdit["kind"];
  type: string;
  /** Which of the type's resources it applies to (all when absent). */
  only?: RegExp;
  /** The edit, given the targeted resource's name. */
  edit: (name: string) => EditAction;
  expect: Expectation;
}

const change =
  (type: string, props: (p: Props) => Props) =>
  (name: string): EditAction => ({ change: { target: { type, name }, props } });
/** Drops the companion `<target name><suffix>` of type `type`. */
const dropCompanion =
  (type: string, suffix: string) =>
  (name: string): EditAction => ({ drop: { type, name: `${name}${suffix}` } });
const drop =
  (type: string) =>
  (name: string): EditAction => ({ drop: { type, name } });

const refused = (refusedBy: string, controls: string[] = [], uncited: string[] = []): Expectation => ({ refusedBy, controls, uncited });
const foreignAccount = "arn:aws:iam::999999999999:root";
const foreignAddress = "198.51.100.77";

const bucket = t.s3Bucket;
const statements = (doc: Props): Props[] => (Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement]);

export const mutators: readonly Mutator[] = [
  // Buckets and their companions.
  {
    name: "drop-public-access-block",
    kind: "drop",
    type: bucket,
    edit: dropCompanion(t.s3BucketPublicAccessBlock, "-public-access-block"),
    expect: refused("disallow-public-bucket", ["CKV2_AWS_6", "AVD-AWS-0094"]),
  },
  { name: "drop-versioning", kind: "drop", type: bucket, edit: dropCompanion(t.s3BucketVersioning, "-versioning"), expect: refused("enable-bucket-versioning", ["S3.14", "CKV_AWS_21"]) },
  { name: "drop-lifecycle", kind: "drop", type: bucket, edit: dropCompanion(t.s3BucketLifecycleConfiguration, "-lifecycle"), expect: refused("enable-bucket-lifecycle", ["S3.13", "CKV2_AWS_61"]) },
  { name: "drop-ownership-controls", kind: "drop", type: bucket, edit: dropCompanion(t.s3BucketOwnershipControls, "-ownership"), expect: refused("disable-bucket-acls", ["S3.12", "CKV2_AWS_65"]) },
  { name: "drop-encryption", kind: "drop", type: bucket, edit: dropCompanion(t.s3BucketServerSideEncryptionConfiguration, "-encryption"), expect: refused("enable-bucket-encryption", ["CKV_AWS_19"]) },
  { name: "drop-bucket-policy", kind: "drop", type: bucket, edit: dropCompanion(t.s3BucketPolicy, "-policy"), expect: refused("enforce-bucket-tls", ["S3.5"]) },
  { name: "public-read-acl", kind: "flip", type: bucket, edit: change(bucket, (p) => ({ ...p, acl: "public-read" })), expect: refused("disallow-public-bucket-acl", ["S3.2", "CKV_AWS_20"]) },
  ...(["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"] as const).map(
    (setting, i): Mutator => ({
      name: `${setting}-false`,
      kind: "flip",
      type: t.s3BucketPublicAccessBlock,
      edit: change(t.s3BucketPublicAccessBlock, (p) => ({ ...p, [setting]: false })),
      expect: refused("disallow-public-bucket", ["S3.8", ["CKV_AWS_53", "CKV_AWS_54", "CKV_AWS_55", "CKV_AWS_56"][i]!]),
    }),
  ),
  {
    name: "versioning-suspended",
    kind: "flip",
    type: t.s3BucketVersioning,
    edit: change(t.s3BucketVersioning, (p) => ({ ...p, versioningConfiguration: { status: "Suspended" } })),
    expect: refused("enable-bucket-versioning", ["S3.14"]),
  },
  {
    name: "lifecycle-disabled",
    kind: "flip",
    type: t.s3BucketLifecycleConfiguration,
    edit: change(t.s3BucketLifecycleConfiguration, (p) => ({ ...p, rules: outputOf(p.rules).apply((rules: Props[]) => rules.map((r) => ({ ...r, status: "Disabled" }))) })),
    expect: refused("enable-bucket-lifecycle", ["S3.13"]),
  },
  {
    name: "lifecycle-keeps-abandoned-uploads",
    kind: "flip",
    type: t.s3BucketLifecycleConfiguration,
    edit: change(t.s3BucketLifecycleConfiguration, (p) => ({ ...p, rules: outputOf(p.rules).apply((rules: Props[]) => rules.map(({ abortIncompleteMultipartUpload: _, ...r }) => r)) })),
    expect: refused("enable-bucket-lifecycle", ["CKV_AWS_300"]),
  },
  {
    name: "object-writer-acls",
    kind: "flip",
    type: t.s3BucketOwnershipControls,
    edit: change(t.s3BucketOwnershipControls, (p) => ({ ...p, rule: { objectOwnership: "ObjectWriter" } })),
    expect: refused("disable-bucket-acls", ["S3.12"]),
  },
  {
    name: "drop-deny-plain-http",
    kind: "drop",
    type: t.s3BucketPolicy,
    edit: change(t.s3BucketPolicy, (p) => ({ ...p, policy: json(p.policy, (doc) => ({ ...doc, Statement: statements(doc).filter((s) => s.Sid !== "DenyPlainHttp") })) })),
    expect: refused("enforce-bucket-tls", ["S3.5"]),
  },
  {
    name: "grant-everyone",
    kind: "widen",
    type: t.s3BucketPolicy,
    edit: change(t.s3BucketPolicy, (p) => ({
      ...p,
      policy: json(p.policy, (doc) => ({ ...doc, Statement: statements(doc).map((s, i) => (i === 0 ? { ...s, Principal: "*", Condition: undefined } : s)) })),
    })),
    expect: refused("disallow-public-bucket", ["S3.2", "CKV_AWS_70"]),
  },
  {
    name: "grant-another-account",
    kind: "widen",
    type: t.s3BucketPolicy,
    edit: change(t.s3BucketPolicy, (p) => ({
      ...p,
      policy: json(p.policy, (doc) => ({
        ...doc,
        Statement: [...statements(doc), { Sid: "Partner", Effect: "Allow", Principal: { AWS: foreignAccount }, Action: "s3:PutBucketPolicy", Resource: statements(doc).at(-1)!.Resource }],
      })),
    })),
    expect: refused("disallow-foreign-bucket-access", ["S3.6"]),
  },
  {
    name: "any-distribution-reads",
    kind: "widen",
    type: t.s3BucketPolicy,
    only: /^cdn-(origin|replica)-policy$/,
    edit: change(t.s3BucketPolicy, (p) => ({ ...p, policy: json(p.policy, (doc) => ({ ...doc, Statement: statements(doc).map((s, i) => (i === 0 ? { ...s, Condition: undefined } : s)) })) })),
    expect: refused("disallow-public-bucket"),
  },
  {
    name: "log-delivery-from-any-account",
    kind: "widen",
    type: t.s3BucketPolicy,
    only: /-logs-policy$/,
    edit: change(t.s3BucketPolicy, (p) => ({
      ...p,
      policy: json(p.policy, (doc) => ({ ...doc, Statement: statements(doc).map((s) => (s.Effect === "Allow" ? { ...s, Condition: undefined } : s)) })),
    })),
    // The log bucket no longer meets the condition its waivers rely on.
    expect: refused("enable-bucket-access-logs", ["S3.9"]),
  },
  { name: "drop-replication", kind: "drop", type: t.s3BucketReplicationConfig, edit: drop(t.s3BucketReplicationConfig), expect: refused("enforce-origin-replication", ["S3.7", "CKV_AWS_144"]) },

  // The CDN.
  ...distributionMutators(),
  {
    name: "hsts-removed",
    kind: "drop",
    type: t.cloudfrontResponseHeadersPolicy,
    edit: change(t.cloudfrontResponseHeadersPolicy, (p) => ({ ...p, securityHeadersConfig: { ...p.securityHeadersConfig, strictTransportSecurity: undefined } })),
    expect: refused("enforce-cdn-hsts", ["CKV_AWS_259"]),
  },
  {
    name: "hsts-one-hour",
    kind: "flip",
    type: t.cloudfrontResponseHeadersPolicy,
    edit: change(t.cloudfrontResponseHeadersPolicy, (p) => ({
      ...p,
      securityHeadersConfig: { ...p.securityHeadersConfig, strictTransportSecurity: { ...p.securityHeadersConfig.strictTransportSecurity, accessControlMaxAgeSec: 3600 } },
    })),
    expect: refused("enforce-cdn-hsts", ["CKV_AWS_259"]),
  },
  { name: "drop-log-delivery", kind: "drop", type: t.cloudwatchLogDelivery, edit: drop(t.cloudwatchLogDelivery), expect: refused("enable-cdn-access-logs", ["CloudFront.5", "CKV_AWS_86"]) },
  { name: "drop-log-delivery-source", kind: "drop", type: t.cloudwatchLogDeliverySource, edit: drop(t.cloudwatchLogDeliverySource), expect: refused("enable-cdn-access-logs", ["CloudFront.5"]) },
  {
    name: "unsigned-origin-requests",
    kind: "flip",
    type: t.cloudfrontOriginAccessControl,
    edit: change(t.cloudfrontOriginAccessControl, (p) => ({ ...p, signingBehavior: "never" })),
    expect: {
      allowed: "CloudFront then sends unsigned requests, which the buckets' policies (read only by the distribution's signed requests) refuse: the snippet fails to load (a 403), nothing is exposed",
    },
  },

  // Certificates and load balancers.
  {
    name: "email-validation",
    kind: "flip",
    type: t.acmCertificate,
    edit: change(t.acmCertificate, (p) => ({ ...p, validationMethod: "EMAIL" })),
    expect: refused("enforce-dns-validation", ["ACM.1"]),
  },
  {
    name: "no-transparency-log",
    kind: "flip",
    type: t.acmCertificate,
    edit: change(t.acmCertificate, (p) => ({ ...p, options: { certificateTransparencyLoggingPreference: "DISABLED" } })),
    expect: refused("configure-acm-certificate", ["CKV_AWS_234"]),
  },
  { name: "rsa-1024", kind: "flip", type: t.acmCertificate, edit: change(t.acmCertificate, (p) => ({ ...p, keyAlgorithm: "RSA_1024" })), expect: refused("configure-acm-certificate", ["ACM.2"]) },
  {
    name: "wildcard-name",
    kind: "widen",
    type: t.acmCertificate,
    edit: change(t.acmCertificate, (p) => ({ ...p, subjectAlternativeNames: ["*.example.com"] })),
    expect: refused("configure-acm-certificate", ["CKV2_AWS_71"]),
  },
  {
    name: "plain-tcp-listener",
    kind: "flip",
    type: t.lbListener,
    edit: change(t.lbListener, (p) => ({ ...p, protocol: "TCP", sslPolicy: undefined, certificateArn: undefined })),
    expect: refused("configure-listener-tls", ["ELB.18", "CKV2_AWS_74"], ["CKV_AWS_2", "AVD-AWS-0054"]),
  },
  {
    name: "tls-2016-policy",
    kind: "flip",
    type: t.lbListener,
    edit: change(t.lbListener, (p) => ({ ...p, sslPolicy: "ELBSecurityPolicy-2016-08" })),
    expect: refused("configure-listener-tls", ["ELB.17", "AVD-AWS-0047"]),
  },
  {
    name: "tls13-cbc-policy",
    kind: "flip",
    type: t.lbListener,
    edit: change(t.lbListener, (p) => ({ ...p, sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06" })),
    expect: refused("configure-listener-tls", ["ELB.17"]),
  },
  {
    name: "deletion-protection-off",
    kind: "flip",
    type: t.lbLoadBalancer,
    edit: change(t.lbLoadBalancer, (p) => ({ ...p, enableDeletionProtection: false })),
    expect: refused("enable-lb-deletion-protection", ["ELB.6", "CKV_AWS_150"]),
  },
  {
    name: "access-logs-off",
    kind: "flip",
    type: t.lbLoadBalancer,
    edit: change(t.lbLoadBalancer, (p) => ({ ...p, accessLogs: { ...p.accessLogs, enabled: false } })),
    expect: refused("enable-lb-access-logs", ["CKV_AWS_91"], ["ELB.5"]),
  },
  { name: "ip-targets", kind: "widen", type: t.lbTargetGroup, edit: change(t.lbTargetGroup, (p) => ({ ...p, targetType: "ip" })), expect: refused("enforce-target-group-tls", ["ELB.22"]) },

  // Hosts and their network.
  {
    name: "imdsv1",
    kind: "flip",
    type: t.ec2LaunchTemplate,
    edit: change(t.ec2LaunchTemplate, (p) => ({ ...p, metadataOptions: { ...p.metadataOptions, httpTokens: "optional" } })),
    expect: refused("enforce-imdsv2", ["EC2.170", "CKV_AWS_79"]),
  },
  {
    name: "imds-two-hops",
    kind: "widen",
    type: t.ec2LaunchTemplate,
    edit: change(t.ec2LaunchTemplate, (p) => ({ ...p, metadataOptions: { ...p.metadataOptions, httpPutResponseHopLimit: 2 } })),
    expect: refused("enforce-imdsv2", ["CKV_AWS_341"]),
  },
  {
    name: "public-ip-interface",
    kind: "flip",
    type: t.ec2LaunchTemplate,
    edit: change(t.ec2LaunchTemplate, (p) => ({ ...p, networkInterfaces: (p.networkInterfaces as Props[]).map((n) => ({ ...n, associatePublicIpAddress: "true" })) })),
    expect: refused("disallow-public-host-ip", ["EC2.25", "CKV_AWS_88"]),
  },
  {
    name: "no-network-interface",
    kind: "drop",
    type: t.ec2LaunchTemplate,
    edit: change(t.ec2LaunchTemplate, (p) => ({ ...p, networkInterfaces: undefined, vpcSecurityGroupIds: ["sg-0"] })),
    expect: refused("disallow-public-host-ip"),
  },
  {
    name: "unencrypted-volume",
    kind: "flip",
    type: t.ec2LaunchTemplate,
    edit: change(t.ec2LaunchTemplate, (p) => ({ ...p, blockDeviceMappings: (p.blockDeviceMappings as Props[]).map((m) => ({ ...m, ebs: { ...m.ebs, encrypted: "false" } })) })),
    expect: refused("enable-ebs-encryption", ["EC2.3"]),
  },
  {
    name: "undeclared-root-volume",
    kind: "drop",
    type: t.ec2LaunchTemplate,
    edit: change(t.ec2LaunchTemplate, (p) => ({ ...p, blockDeviceMappings: undefined })),
    expect: refused("enable-ebs-encryption"),
  },
  {
    name: "subnet-maps-public-ips",
    kind: "flip",
    type: t.ec2Subnet,
    edit: change(t.ec2Subnet, (p) => ({ ...p, mapPublicIpOnLaunch: true })),
    expect: refused("disallow-subnet-public-ip", ["EC2.15", "CKV_AWS_130", "AVD-AWS-0164"]),
  },
  {
    name: "subnet-assigns-ipv6",
    kind: "flip",
    type: t.ec2Subnet,
    edit: change(t.ec2Subnet, (p) => ({ ...p, assignIpv6AddressOnCreation: true })),
    expect: refused("disallow-subnet-public-ip", ["EC2.15"]),
  },
  {
    name: "listener-rule-every-port",
    kind: "widen",
    type: t.vpcSecurityGroupIngressRule,
    only: /-nlb-in-tls$/,
    edit: change(t.vpcSecurityGroupIngressRule, (p) => ({ ...p, fromPort: 0, toPort: 65535 })),
    // Every TCP port holds 22, 3389 and 80: each port's rule fails, and the authorized-ports rule; the every-port rule only judges all protocols.
    expect: refused("disallow-public-ingress", ["EC2.18", "EC2.13", "EC2.14", "CKV_AWS_24", "CKV_AWS_25", "CKV_AWS_260"], ["CKV_AWS_277"]),
  },
  {
    name: "listener-rule-ssh",
    kind: "widen",
    type: t.vpcSecurityGroupIngressRule,
    only: /-nlb-in-tls$/,
    edit: change(t.vpcSecurityGroupIngressRule, (p) => ({ ...p, fromPort: 22, toPort: 22 })),
    expect: refused("disallow-public-ingress", ["EC2.13", "CKV_AWS_24", "AVD-AWS-0107"]),
  },
  {
    name: "listener-rule-udp",
    kind: "widen",
    type: t.vpcSecurityGroupIngressRule,
    only: /-nlb-in-tls$/,
    edit: change(t.vpcSecurityGroupIngressRule, (p) => ({ ...p, ipProtocol: "udp" })),
    expect: refused("disallow-public-ingress", ["EC2.18"]),
  },
  {
    name: "listener-rule-ipv6",
    kind: "widen",
    type: t.vpcSecurityGroupIngressRule,
    only: /-nlb-in-tls$/,
    edit: change(t.vpcSecurityGroupIngressRule, (p) => ({ ...p, cidrIpv4: undefined, cidrIpv6: "::/0" })),
    expect: { allowed: "the listener port is public by design (the load balancer keeps client addresses); IPv6 clients reach it on 443 as IPv4 ones do" },
  },
  {
    name: "hosts-open-to-world",
    kind: "widen",
    type: t.vpcSecurityGroupIngressRule,
    only: /-hosts-in-nlb$/,
    edit: change(t.vpcSecurityGroupIngressRule, (p) => ({ ...p, referencedSecurityGroupId: undefined, cidrIpv4: "0.0.0.0/0" })),
    expect: refused("disallow-public-ingress", ["CKV_AWS_260"]),
  },
  {
    name: "endpoints-open-to-world",
    kind: "widen",
    type: t.vpcSecurityGroupIngressRule,
    only: /-endpoints-in-hosts$/,
    edit: change(t.vpcSecurityGroupIngressRule, (p) => ({ ...p, referencedSecurityGroupId: undefined, cidrIpv4: "0.0.0.0/0" })),
    expect: {
      allowed:
        "interface endpoints have private addresses only: a world CIDR on their group admits what routes into the VPC, not the internet; the port is 443, which disallow-public-ingress allows as the listener port",
    },
  },
  {
    name: "egress-to-internet",
    kind: "widen",
    type: t.vpcSecurityGroupEgressRule,
    only: /-hosts-out-datastore-/,
    edit: change(t.vpcSecurityGroupEgressRule, (p) => ({ ...p, cidrIpv4: "0.0.0.0/0" })),
    expect: refused("disallow-public-egress", ["AVD-AWS-0104"], ["CKV_AWS_382"]),
  },
  {
    name: "egress-to-one-address",
    kind: "widen",
    type: t.vpcSecurityGroupEgressRule,
    only: /-hosts-out-endpoints$/,
    edit: change(t.vpcSecurityGroupEgressRule, (p) => ({ ...p, referencedSecurityGroupId: undefined, cidrIpv4: "8.8.8.8/32" })),
    expect: refused("disallow-public-egress"),
  },
  {
    name: "egress-everything",
    kind: "widen",
    type: t.vpcSecurityGroupEgressRule,
    only: /-nlb-out-hosts$/,
    edit: change(t.vpcSecurityGroupEgressRule, (p) => ({ ...p, referencedSecurityGroupId: undefined, cidrIpv4: "0.0.0.0/0", ipProtocol: "-1", fromPort: undefined, toPort: undefined })),
    expect: refused("disallow-public-egress", ["CKV_AWS_382", "AVD-AWS-0104"]),
  },
  {
    name: "default-group-rules",
    kind: "widen",
    type: t.ec2DefaultSecurityGroup,
    edit: change(t.ec2DefaultSecurityGroup, (p) => ({ ...p, ingress: [{ protocol: "-1", fromPort: 0, toPort: 0, self: true }] })),
    expect: refused("disallow-default-security-group-rules", ["EC2.2", "CKV2_AWS_12"]),
  },
  { name: "drop-flow-log", kind: "drop", type: t.ec2FlowLog, edit: drop(t.ec2FlowLog), expect: refused("enable-vpc-flow-logs", ["EC2.6", "CKV2_AWS_11"]) },

  // IAM.
  {
    name: "trust-everyone",
    kind: "widen",
    type: t.iamRole,
    edit: change(t.iamRole, (p) => ({ ...p, assumeRolePolicy: json(p.assumeRolePolicy, (doc) => ({ ...doc, Statement: statements(doc).map((s) => ({ ...s, Principal: "*" })) })) })),
    expect: refused("enforce-service-trust", ["CKV_AWS_60"]),
  },
  {
    name: "trust-another-account",
    kind: "widen",
    type: t.iamRole,
    edit: change(t.iamRole, (p) => ({
      ...p,
      assumeRolePolicy: json(p.assumeRolePolicy, (doc) => ({ ...doc, Statement: statements(doc).map((s) => ({ ...s, Principal: { AWS: foreignAccount } })) })),
    })),
    expect: refused("enforce-service-trust", ["CKV_AWS_61"]),
  },
  ...rolePolicyStatement("iam-everything", { Action: "iam:*", Resource: "*" }, refused("disallow-iam-privilege-escalation", ["CKV2_AWS_40"])),
  ...rolePolicyStatement("pass-any-role", { Action: "iam:PassRole", Resource: "arn:aws:iam::*:role/*" }, refused("disallow-iam-privilege-escalation", ["AVD-AWS-0342"], ["CKV_AWS_286"])),
  ...rolePolicyStatement("pass-role-anywhere", { Action: "iam:PassRole", Resource: "*" }, refused("disallow-iam-privilege-escalation", ["CKV_AWS_286", "AVD-AWS-0342"])),
  ...rolePolicyStatement("write-own-policy", { Action: "iam:Put*", Resource: "arn:aws:iam::123456789012:role/*" }, refused("disallow-iam-privilege-escalation")),
  ...rolePolicyStatement("every-action", { Action: "*", Resource: "*" }, refused("disallow-wildcard-iam", ["CKV_AWS_62", "CKV_AWS_63"], ["IAM.1"])),
  ...rolePolicyStatement("whole-service", { Action: "s3:*", Resource: "arn:aws:s3:::cdn-origin" }, refused("disallow-wildcard-iam", [], ["IAM.21"])),
  ...rolePolicyStatement("write-everywhere", { Action: "s3:PutObject", Resource: "*" }, refused("disallow-wildcard-iam", ["CKV_AWS_290"])),
  ...rolePolicyStatement("decrypt-every-key", { Action: "kms:Decrypt", Resource: "*" }, refused("disallow-wildcard-iam", ["KMS.2"], ["KMS.1"])),
  ...(
    [
      ["administrator", "AdministratorAccess", ["CKV_AWS_274"]],
      ["iam-full-access", "IAMFullAccess", ["CKV2_AWS_56"]],
      ["power-user", "PowerUserAccess", []],
    ] as const
  ).map(
    ([label, policy, controls]): Mutator => ({
      name: `attach-${label}`,
      kind: "widen",
      type: t.iamRolePolicyAttachment,
      edit: change(t.iamRolePolicyAttachment, (p) => ({ ...p, policyArn: `arn:aws:iam::aws:policy/${policy}` })),
      expect: refused("disallow-broad-managed-policies", [...controls]),
    }),
  ),

  // KMS, SNS, logs.
  { name: "rotation-off", kind: "flip", type: t.kmsKey, edit: change(t.kmsKey, (p) => ({ ...p, enableKeyRotation: false })), expect: refused("enable-kms-key-rotation", ["KMS.4", "CKV_AWS_7"]) },
  {
    name: "key-for-everyone",
    kind: "widen",
    type: t.kmsKey,
    edit: change(t.kmsKey, (p) => ({ ...p, policy: json(p.policy, (doc) => ({ ...doc, Statement: statements(doc).map((s, i) => (i === 0 ? { ...s, Principal: "*" } : s)) })) })),
    expect: refused("disallow-public-key-policy", ["KMS.5", "CKV_AWS_33"]),
  },
  { name: "undeclared-key-policy", kind: "drop", type: t.kmsKey, edit: change(t.kmsKey, (p) => ({ ...p, policy: undefined })), expect: refused("disallow-public-key-policy", ["CKV2_AWS_64"]) },
  {
    name: "unencrypted-topic",
    kind: "flip",
    type: t.snsTopic,
    edit: change(t.snsTopic, (p) => ({ ...p, kmsMasterKeyId: undefined })),
    expect: refused("enable-topic-encryption", ["SNS.1", "CKV_AWS_26"]),
  },
  {
    name: "aws-managed-topic-key",
    kind: "flip",
    type: t.snsTopic,
    edit: change(t.snsTopic, (p) => ({ ...p, kmsMasterKeyId: "alias/aws/sns" })),
    expect: refused("enable-topic-encryption", ["AVD-AWS-0136"]),
  },
  {
    name: "log-group-month",
    kind: "flip",
    type: t.cloudwatchLogGroup,
    edit: change(t.cloudwatchLogGroup, (p) => ({ ...p, retentionInDays: 30 })),
    expect: refused("configure-log-group", ["CKV_AWS_338"]),
  },
  {
    name: "log-group-unencrypted",
    kind: "flip",
    type: t.cloudwatchLogGroup,
    edit: change(t.cloudwatchLogGroup, (p) => ({ ...p, kmsKeyId: undefined })),
    expect: refused("configure-log-group", ["CKV_AWS_158"]),
  },
  { name: "drop-query-log", kind: "drop", type: t.route53QueryLog, edit: drop(t.route53QueryLog), expect: refused("enable-query-logging", ["Route53.2", "CKV2_AWS_39"]) },

  // DNS records.
  {
    name: "proxied",
    kind: "flip",
    type: t.cloudflareDnsRecord,
    only: /-(a-api|cname-cdn|cname-decide)/,
    edit: change(t.cloudflareDnsRecord, (p) => ({ ...p, proxied: true })),
    expect: refused("disallow-proxied-records"),
  },
  {
    name: "foreign-address",
    kind: "widen",
    type: t.cloudflareDnsRecord,
    only: /-a-api-/,
    edit: change(t.cloudflareDnsRecord, (p) => ({ ...p, content: foreignAddress })),
    expect: refused("disallow-foreign-addresses"),
  },
  {
    name: "foreign-address",
    kind: "widen",
    type: t.route53Record,
    only: /-a-api-/,
    edit: change(t.route53Record, (p) => ({ ...p, records: [foreignAddress] })),
    expect: refused("disallow-foreign-addresses", ["CKV2_AWS_23"]),
  },
];

function distributionMutators(): Mutator[] {
  const type = t.cloudfrontDistribution;
  const behavior = (p: Props, edit: (b: Props) => Props) => ({ ...p, defaultCacheBehavior: edit(p.defaultCacheBehavior), orderedCacheBehaviors: (p.orderedCacheBehaviors as Props[]).map(edit) });
  const cert = (p: Props, edit: Props) => ({ ...p, viewerCertificate: { ...p.viewerCertificate, ...edit } });
  return [
    {
      name: "http-viewers",
      kind: "flip",
      type,
      edit: change(type, (p) => behavior(p, (b) => ({ ...b, viewerProtocolPolicy: "allow-all" }))),
      expect: refused("disallow-plain-http-viewers", ["CloudFront.3", "CKV_AWS_34"]),
    },
    {
      name: "tls-2019",
      kind: "flip",
      type,
      edit: change(type, (p) => cert(p, { minimumProtocolVersion: "TLSv1.2_2019" })),
      expect: refused("configure-minimum-tls", ["CloudFront.15", "AVD-AWS-0013"], ["CKV_AWS_174"]),
    },
    { name: "tls-1.0", kind: "flip", type, edit: change(type, (p) => cert(p, { minimumProtocolVersion: "TLSv1" })), expect: refused("configure-minimum-tls", ["CKV_AWS_174", "AVD-AWS-0013"]) },
    {
      name: "default-certificate",
      kind: "flip",
      type,
      edit: change(type, (p) => ({ ...p, aliases: undefined, viewerCertificate: { cloudfrontDefaultCertificate: true } })),
      expect: refused("configure-minimum-tls", ["CloudFront.7", "CKV2_AWS_42"]),
    },
    { name: "dedicated-ip", kind: "flip", type, edit: change(type, (p) => cert(p, { sslSupportMethod: "vip" })), expect: refused("configure-minimum-tls", ["CloudFront.8"]) },
    {
      name: "no-origin-access-control",
      kind: "drop",
      type,
      edit: change(type, (p) => ({ ...p, origins: (p.origins as Props[]).map(({ originAccessControlId: _, ...o }) => o) })),
      expect: refused("enforce-origin-access-control", ["CloudFront.13", "CKV2_AWS_46"]),
    },
    {
      name: "no-default-root-object",
      kind: "drop",
      type,
      edit: change(type, (p) => ({ ...p, defaultRootObject: undefined })),
      expect: refused("configure-cdn-default-root-object", ["CloudFront.1", "CKV_AWS_305"]),
    },
    {
      name: "accepts-writes",
      kind: "widen",
      type,
      edit: change(type, (p) => behavior(p, (b) => ({ ...b, allowedMethods: ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"] }))),
      // No longer a static script: the WAF waiver's condition fails.
      expect: refused("enable-cdn-waf", ["CloudFront.6", "CKV_AWS_68"]),
    },
    {
      name: "no-origin-group",
      kind: "drop",
      type,
      edit: change(type, (p) => ({ ...behavior(p, (b) => ({ ...b, targetOriginId: "origin" })), originGroups: undefined })),
      expect: refused("enforce-cdn-origin-failover", ["CloudFront.4", "CKV_AWS_310"]),
    },
    {
      name: "plain-http-origin",
      kind: "widen",
      type,
      edit: change(type, (p) => ({
        ...p,
        origins: [
          ...(p.origins as Props[]),
          { originId: "api", domainName: "api.example.com", customOriginConfig: { httpPort: 80, httpsPort: 443, originProtocolPolicy: "http-only", originSslProtocols: ["TLSv1.2"] } },
        ],
      })),
      expect: refused("enforce-cdn-origin-tls", ["CloudFront.9", "CKV2_AWS_72"]),
    },
    { name: "no-headers-policy", kind: "drop", type, edit: change(type, (p) => behavior(p, ({ responseHeadersPolicyId: _, ...b }) => b)), expect: refused("enforce-cdn-hsts", ["CKV2_AWS_32"]) },
  ];
}

/** A statement added to each of the hosts' role policies. */
function rolePolicyStatement(name: string, statement: Props, expect: Expectation): Mutator[] {
  return [
    {
      name,
      kind: "widen",
      type: t.iamRolePolicy,
      only: /-host-(service|metrics)$/,
      edit: change(t.iamRolePolicy, (p) => ({ ...p, policy: json(p.policy, (doc) => ({ ...doc, Statement: [...statements(doc), { Sid: "HandEdit", Effect: "Allow", ...statement }] })) })),
      expect,
    },
  ];
}

/** Resources added by hand beside the program: the cases the last review found passing. */
export const additions: readonly HandEdit[] = [
  {
    id: "add-bucket-v2-without-public-access-block",
    kind: "add",
    type: t.s3BucketV2,
    action: { add: () => void new aws.s3.BucketV2("hand-bucket", { region: "us-east-1" }) },
    expect: refused("disallow-public-bucket", ["CKV2_AWS_6", "AVD-AWS-0094"]),
  },
  {
    id: "add-unencrypted-ebs-volume",
    kind: "add",
    type: "aws:ebs/volume:Volume",
    action: { add: () => void new aws.ebs.Volume("hand-volume", { region: "us-east-1", availabilityZone: "us-east-1a", size: 10 }) },
    expect: refused("enable-ebs-encryption", ["CKV_AWS_3", "AVD-AWS-0026"]),
  },
  {
    id: "add-prefix-list-holding-the-internet",
    kind: "add",
    type: "aws:ec2/managedPrefixList:ManagedPrefixList",
    action: {
      add: () => void new aws.ec2.ManagedPrefixList("hand-prefix-list", { region: "us-east-1", name: "anywhere", addressFamily: "IPv4", maxEntries: 1, entries: [{ cidr: "0.0.0.0/0" }] }),
    },
    expect: refused("disallow-public-prefix-lists"),
  },
  {
    id: "add-a-record-at-a-literal-address",
    kind: "add",
    type: t.route53Record,
    action: { add: () => void new aws.route53.Record("hand-a-record", { zoneId: "Z0D5E354157D551FAF15", name: "old.example.com", type: "A", ttl: 60, records: [foreignAddress] }) },
    expect: refused("disallow-foreign-addresses", ["CKV2_AWS_23"]),
  },
  {
    id: "add-ds-record",
    kind: "add",
    type: t.route53Record,
    action: { add: () => void new aws.route53.Record("hand-ds", { zoneId: "Z0D5E354157D551FAF15", name: "sub.example.com", type: "DS", ttl: 300, records: ["12345 13 2 ABCDEF"] }) },
    expect: refused("disallow-half-signed-zone"),
  },
  {
    id: "add-key-signing-key",
    kind: "add",
    type: t.route53KeySigningKey,
    action: {
      add: () =>
        void new aws.route53.KeySigningKey("hand-ksk", { hostedZoneId: "Z0D5E354157D551FAF15", name: "ksk", keyManagementServiceArn: "arn:aws:kms:us-east-1:123456789012:key/k", status: "ACTIVE" }),
    },
    expect: refused("disallow-half-signed-zone"),
  },
  {
    id: "add-managed-policy-with-a-service-wildcard",
    kind: "add",
    type: t.iamPolicy,
    action: {
      add: () => void new aws.iam.Policy("hand-policy", { policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:*", Resource: "arn:aws:s3:::cdn-origin" }] }) }),
    },
    expect: refused("disallow-wildcard-iam", ["IAM.21"]),
  },
  {
    id: "add-policy-document-from-an-invoke",
    kind: "add",
    type: t.iamPolicy,
    action: {
      add: () => {
        const document = aws.iam.getPolicyDocumentOutput({ statements: [{ actions: ["s3:GetObject"], resources: ["*"] }] });
        void new aws.iam.Policy("hand-invoked-policy", { policy: document.json });
      },
    },
    expect: { unplannable: "the offline plan cannot answer" },
  },
  {
    id: "add-proxied-cloudflare-api-record",
    kind: "add",
    type: t.cloudflareDnsRecord,
    action: {
      add: () => void new cloudflare.DnsRecord("hand-proxied", { zoneId: "b591e271ac48810e37339dc2b3c2f5d8", name: "api.example.com", type: "A", content: "203.0.113.226", ttl: 1, proxied: true }),
    },
    expect: refused("disallow-proxied-records"),
  },
];

/**
 * Every edit of the universe over the unedited plan's resources: each mutator on each resource of
 * its type (that its `only` admits), then the additions. Sorted by id, so a seed picks the same
 * edits on every machine.
 */
export function handEditUniverse(baseline: readonly Pick<PlannedResource, "type" | "name" | "custom">[]): HandEdit[] {
  const generated = mutators.flatMap((m) =>
    baseline
      .filter((r) => r.custom && r.type === m.type && (m.only?.test(r.name) ?? true))
      .map((r): HandEdit => ({ id: `${m.name}@${r.name}`, kind: m.kind, type: m.type, action: m.edit(r.name), expect: m.expect })),
  );
  return [...generated, ...additions].sort((a, b) => a.id.localeCompare(b.id));
}

/** Whether a policy message cites control `id` (as `cite` writes it: in a list closed by `)`). */
export function citesControl(message: string, id: string): boolean {
  return new RegExp(`(?<![\\w.-])${id.replace(/[.]/g, "\\.")}(?![\\w.])`).test(message);
}

/** What the plan of an edit did, as the runner reports it. */
export interface PlannedEdit {
  id: string;
  expect: Expectation;
  code: number;
  violations: { policyName: string; message: string }[];
  error?: string;
}

/** Undefined when the edit's plan did what its expectation says; otherwise what went wrong. */
export function verdict(edit: PlannedEdit): string | undefined {
  const { expect, code } = edit;
  const seen = `exit ${code}; ${edit.violations.map((v) => v.policyName).join(", ") || "no violation"}${edit.error ? `; ${edit.error.slice(0, 300)}` : ""}`;
  if (code !== 0 && code !== 1 && code !== 2) return `${edit.id}: the plan crashed (${seen})`;
  if ("allowed" in expect) return code === 0 ? undefined : `${edit.id}: listed as allowed (${expect.allowed}), but ${seen}`;
  if ("unplannable" in expect) return code === 2 && (edit.error ?? "").includes(expect.unplannable) ? undefined : `${edit.id}: expected a clear refusal to plan (exit 2), got ${seen}`;
  if (code !== 1) return `${edit.id}: expected ${expect.refusedBy} to refuse it (exit 1), got ${seen}`;
  const own = edit.violations.filter((v) => v.policyName === expect.refusedBy);
  if (own.length === 0) return `${edit.id}: expected ${expect.refusedBy} among the refusing policies, got ${seen}`;
  const cited = own.some((v) => (expect.controls ?? []).every((c) => citesControl(v.message, c)) && (expect.uncited ?? []).every((c) => !citesControl(v.message, c)));
  return cited
    ? undefined
    : `${edit.id}: ${expect.refusedBy} refused it without citing ${(expect.controls ?? []).join(", ") || "-"} or citing ${(expect.uncited ?? []).join(", ") || "-"}: ${own.map((v) => v.message).join(" | ")}`;
}
