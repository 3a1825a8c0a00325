/**
 * The pack's metadata (policies/metadata.ts) and the control registry (policies/controls.ts): every
 * policy has one record, every control it cites is one the registry read in its catalog's source
 * (and none it marks uncitable), no policy file types a control id itself, the list of controls
 * each policy cites is held here (a change to it is a change to this test, reviewed), and the pack
 * serves Pulumi Cloud's fields from the metadata.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { controls, uncitable } from "../../policies/controls";
import { policyMetadata } from "../../policies/metadata";
import { entryControls, packEntries } from "../../policies/pack";
import { waivers } from "../../policies/waivers";
import { policyDocs } from "../../tools/docs/policyTable";
import { projectRoot } from "../support/runPlan";

/** The controls each policy cites, sorted; a policy that cites none is absent. Re-read in the sources controls.ts names. */
const pinned: Record<string, string[]> = {
  "enforce-cdn-origin-failover": ["CKV_AWS_310", "CloudFront.4"],
  "disallow-plain-http-viewers": ["AVD-AWS-0012", "CKV_AWS_34", "CloudFront.3"],
  "disallow-public-bucket": [
    "AVD-AWS-0086",
    "AVD-AWS-0087",
    "AVD-AWS-0091",
    "AVD-AWS-0092",
    "AVD-AWS-0093",
    "AVD-AWS-0094",
    "CKV2_AWS_6",
    "CKV_AWS_20",
    "CKV_AWS_53",
    "CKV_AWS_54",
    "CKV_AWS_55",
    "CKV_AWS_56",
    "CKV_AWS_57",
    "CKV_AWS_70",
    "S3.2",
    "S3.3",
    "S3.8",
  ],
  "enforce-alarm-actions": ["CKV_AWS_319"],
  "disallow-public-bucket-acl": ["AVD-AWS-0092", "CKV2_AWS_43", "CKV_AWS_20", "CKV_AWS_57", "S3.2", "S3.3"],
  "disallow-foreign-bucket-access": ["S3.6"],
  "enforce-bucket-tls": ["S3.5"],
  "disable-bucket-acls": ["CKV2_AWS_65", "S3.12"],
  "enable-bucket-versioning": ["AVD-AWS-0090", "CKV_AWS_21", "S3.14"],
  "enable-bucket-lifecycle": ["CKV2_AWS_61", "CKV_AWS_300", "S3.10", "S3.13"],
  "enable-bucket-encryption": ["CKV_AWS_19"],
  "enable-bucket-kms-encryption": ["AVD-AWS-0132", "CKV_AWS_145", "S3.17"],
  "enable-bucket-access-logs": ["AVD-AWS-0089", "CKV_AWS_18", "S3.9"],
  "enable-bucket-replication": ["CKV_AWS_144", "S3.7"],
  "enable-bucket-event-notifications": ["CKV2_AWS_62", "S3.11"],
  "enable-bucket-object-lock": ["CKV_AWS_143", "S3.15"],
  "enforce-origin-replication": ["CKV_AWS_144", "S3.7"],
  "configure-minimum-tls": ["AVD-AWS-0013", "CKV2_AWS_42", "CKV_AWS_174", "CloudFront.15", "CloudFront.7", "CloudFront.8"],
  "enforce-cdn-origin-tls": ["CKV2_AWS_54", "CKV2_AWS_72", "CloudFront.10", "CloudFront.9"],
  "enforce-origin-access-control": ["CKV2_AWS_46", "CloudFront.13"],
  "enforce-declared-origin-buckets": ["CloudFront.12"],
  "configure-cdn-default-root-object": ["CKV_AWS_305", "CloudFront.1"],
  "enforce-cdn-hsts": ["CKV2_AWS_32", "CKV_AWS_259"],
  "enable-cdn-access-logs": ["AVD-AWS-0010", "CKV_AWS_86", "CloudFront.5"],
  "enable-cdn-waf": ["AVD-AWS-0011", "CKV2_AWS_47", "CKV_AWS_68", "CloudFront.6"],
  "configure-cdn-geo-restriction": ["CKV_AWS_374"],
  "enforce-dns-validation": ["ACM.1"],
  "configure-acm-certificate": ["ACM.2", "CKV2_AWS_71", "CKV_AWS_234"],
  "configure-listener-tls": ["AVD-AWS-0047", "AVD-AWS-0054", "CKV2_AWS_74", "CKV_AWS_103", "CKV_AWS_2", "ELB.17", "ELB.18"],
  "enable-lb-deletion-protection": ["CKV_AWS_150", "ELB.6"],
  "enable-lb-access-logs": ["CKV_AWS_91", "ELB.5"],
  "enforce-target-group-tls": ["ELB.21", "ELB.22"],
  "enforce-imdsv2": ["AVD-AWS-0028", "AVD-AWS-0130", "AutoScaling.3", "AutoScaling.4", "CKV_AWS_341", "CKV_AWS_79", "EC2.170", "EC2.8"],
  "enable-ebs-encryption": ["AVD-AWS-0008", "AVD-AWS-0026", "AVD-AWS-0131", "CKV_AWS_3", "CKV_AWS_8", "EC2.3"],
  "disallow-launch-configuration": ["AutoScaling.9", "CKV_AWS_315"],
  "disallow-public-host-ip": ["AVD-AWS-0009", "AutoScaling.5", "CKV_AWS_88", "EC2.25", "EC2.9"],
  "disallow-subnet-public-ip": ["AVD-AWS-0164", "CKV_AWS_130", "EC2.15"],
  "disallow-public-ingress": ["AVD-AWS-0107", "CKV_AWS_24", "CKV_AWS_25", "CKV_AWS_260", "CKV_AWS_277", "EC2.13", "EC2.14", "EC2.18", "EC2.19"],
  "disallow-public-egress": ["AVD-AWS-0104", "CKV_AWS_382"],
  "disallow-default-security-group-rules": ["AVD-AWS-0173", "CKV2_AWS_12", "EC2.2"],
  "enable-vpc-flow-logs": ["AVD-AWS-0178", "CKV2_AWS_11", "EC2.6"],
  "disallow-wildcard-iam": ["CKV2_AWS_40", "CKV_AWS_290", "CKV_AWS_355", "CKV_AWS_62", "CKV_AWS_63", "IAM.1", "IAM.21", "KMS.1", "KMS.2"],
  "disallow-iam-privilege-escalation": ["AVD-AWS-0342", "CKV2_AWS_40", "CKV_AWS_286"],
  "disallow-broad-managed-policies": ["CKV2_AWS_56", "CKV_AWS_274"],
  "enforce-service-trust": ["CKV_AWS_60", "CKV_AWS_61"],
  "enable-kms-key-rotation": ["AVD-AWS-0065", "CKV_AWS_7", "KMS.4"],
  "disallow-public-key-policy": ["CKV2_AWS_64", "CKV_AWS_33", "KMS.5"],
  "enable-topic-encryption": ["AVD-AWS-0095", "AVD-AWS-0136", "CKV_AWS_26", "SNS.1"],
  "enable-query-logging": ["CKV2_AWS_39", "Route53.2"],
  "enable-dnssec-signing": ["CKV2_AWS_38"],
  "configure-log-group": ["AVD-AWS-0017", "CKV_AWS_158", "CKV_AWS_338", "CKV_AWS_66"],
  "disallow-foreign-addresses": ["CKV2_AWS_23"],
};

describe("policy metadata", () => {
  it("is one record per policy of the pack, and one policy per record", () => {
    const policyNames = packEntries.map((e) => e.policy.name);
    expect(new Set(policyNames).size).toBe(policyNames.length);
    expect(policyMetadata.map((m) => m.name).sort()).toEqual([...policyNames].sort());
    for (const entry of packEntries) expect(entry.metadata.name).toBe(entry.policy.name);
  });

  it("cites only registered controls, read in their catalogs' sources, and none the registry marks uncitable", () => {
    for (const entry of packEntries) {
      for (const id of entryControls(entry)) {
        expect(id in controls, `${entry.policy.name} cites ${id}`).toBe(true);
        expect(uncitable[id], `${entry.policy.name} cites ${id}`).toBeUndefined();
      }
    }
    for (const control of Object.values(controls))
      expect(control.source).toMatch(/^https:\/\/(github\.com\/(bridgecrewio\/checkov|aquasecurity\/trivy-checks)\/blob\/[0-9a-f]{40}\/|docs\.aws\.amazon\.com\/securityhub\/)/);
    const registeredIds = Object.keys(controls);
    for (const id of Object.keys(uncitable)) expect(registeredIds).not.toContain(id);
  });

  it("holds the list of controls each policy cites", () => {
    const cited = Object.fromEntries(packEntries.map((e) => [e.policy.name, [...entryControls(e)].sort()]).filter(([, ids]) => ids.length > 0));
    expect(cited).toEqual(pinned);
  });

  it("is where control ids are written: no policy file names one itself", () => {
    const idPattern = /\b(CKV2?_AWS_\d+|AVD-AWS-\d{4}|(?:S3|EC2|ELB|IAM|KMS|SNS|ACM|CloudFront|AutoScaling|Route53)\.\d+)\b/;
    const dir = join(projectRoot, "policies");
    const files = readdirSync(dir, { recursive: true, encoding: "utf8" }).filter(
      (f) =>
        f.endsWith(".ts") &&
        !f.startsWith("dist") &&
        !f.startsWith("node_modules") && // coverage.ts groups registered ids into the catalog rules (type-checked against the registry, held by coverage.spec.ts).
        !["controls.ts", "metadata.ts", "coverage.ts"].includes(f),
    );
    const naming = files.filter((f) => idPattern.test(readFileSync(join(dir, f), "utf8"))).map((f) => `${f}: ${idPattern.exec(readFileSync(join(dir, f), "utf8"))![0]}`);
    expect(naming).toEqual([]);
  });

  it("gives every policy Pulumi Cloud's fields: severity, remediation, a url to its section of docs/policies.md, tags, and a framework where a catalog applies", () => {
    const docs = policyDocs();
    for (const { policy, metadata } of packEntries) {
      expect(policy.severity, policy.name).toBe(metadata.severity);
      expect(policy.remediationSteps, policy.name).toBe(metadata.remediationSteps);
      expect(policy.url, policy.name).toBe(`https://github.com/edge-org/edge/blob/main/docs/policies.md#${policy.name}`);
      expect(docs).toContain(`\n## ${policy.name}\n`);
      expect(policy.tags, policy.name).toContain(`service:${metadata.service}`);
      if (metadata.incident) expect(policy.tags).toContain(`incident:${metadata.incident}`);
      if (entryControls({ policy, metadata }).length > 0) expect(policy.framework?.reference, policy.name).toMatch(/\S/);
      else expect(policy.framework, policy.name).toBeUndefined();
    }
  });

  it("names for each waiver a policy that judges its controls, honours waivers, and judges the type the waiver covers", () => {
    for (const waiver of waivers) {
      const entry = packEntries.find((e) => e.policy.name === waiver.policy);
      expect(entry, waiver.id).toBeDefined();
      expect(Object.keys(entry!.policy.configSchema?.properties ?? {}), waiver.id).toContain("waivers");
      expect(entryControls(entry!).length, waiver.id).toBeGreaterThan(0);
      expect(waiver.reviewBy, waiver.id).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(waiver.owner, waiver.id).toMatch(/^@[\w-]+\/[\w-]+$/);
    }
  });
});
