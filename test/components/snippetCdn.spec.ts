import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { SnippetCdn } from "../../components/snippetCdn";
import type { PlannedResource } from "../../tools/plan/evaluate";
import { mockRuntime, ofType } from "../support/mockRuntime";
import { resourceTypes } from "../../models/resourceTypes";

const root = join(__dirname, "..", "..");
let resources: PlannedResource[];
let outputs: Record<string, unknown>;

beforeAll(async () => {
  const runtime = await mockRuntime();
  const cdn = new SnippetCdn("cdn", {
    hostname: "cdn.example.com",
    originRegion: "us-east-1",
    replicaRegion: "eu-west-1",
    primaryZoneId: "Z0TEST",
    sources: {
      loader: readFileSync(join(root, "assets/snippet/loader.js"), "utf8"),
      library: readFileSync(join(root, "assets/snippet/edge.js"), "utf8"),
    },
    collectorUrl: "https://api.example.com/track",
    namePrefix: "edge-test",
  });
  const endpoint = await new Promise<Record<string, unknown>>((resolve) =>
    // Every CdnEndpoint field resolves, as the DNS component will read it.
    pulumi
      .all([cdn.endpoint.distributionId, cdn.endpoint.domainName, cdn.endpoint.hostedZoneId, cdn.endpoint.certificateArn])
      .apply(([distributionId, domainName, hostedZoneId, certificateArn]) => resolve({ distributionId, domainName, hostedZoneId, certificateArn })),
  );
  outputs = { ...endpoint, snippetUrl: cdn.snippetUrl, libraryUrl: cdn.libraryUrl };
  resources = await runtime.settle();
});

const one = (type: string) => ofType(resources, type);
/** The snippet's own buckets and their children, without the access-log bucket (components/logBucket.ts). */
const snippetOnes = (type: string) => one(type).filter((r) => !/-access-logs?(-|$)/.test(r.name));
const distribution = () => one(resourceTypes.cloudfrontDistribution)[0];

describe("SnippetCdn", () => {
  it("keeps both buckets private: all public access blocked, bucket owner enforced, versioned, encrypted", () => {
    const buckets = snippetOnes(resourceTypes.s3Bucket);
    expect(buckets.map((b) => b.region)).toEqual(["us-east-1", "eu-west-1"]);
    for (const b of buckets) expect(b.inputs).not.toHaveProperty("acl");
    const blocks = snippetOnes(resourceTypes.s3BucketPublicAccessBlock);
    expect(blocks.map((b) => b.inputs.bucket).sort()).toEqual(buckets.map((b) => b.outputs.id).sort());
    for (const b of blocks) {
      expect(b.inputs).toMatchObject({ blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true });
    }
    for (const o of one(resourceTypes.s3BucketOwnershipControls)) expect(o.inputs.rule).toEqual({ objectOwnership: "BucketOwnerEnforced" });
    expect(snippetOnes(resourceTypes.s3BucketVersioning).map((v) => v.inputs.versioningConfiguration)).toEqual([{ status: "Enabled" }, { status: "Enabled" }]);
    // Old versions of the redeployed loader expire; current objects never do.
    for (const l of snippetOnes(resourceTypes.s3BucketLifecycleConfiguration)) {
      expect(l.inputs.rules).toEqual([
        { id: "expire-old-versions", status: "Enabled", filter: {}, noncurrentVersionExpiration: { noncurrentDays: 30 }, abortIncompleteMultipartUpload: { daysAfterInitiation: 7 } },
      ]);
    }
    expect(snippetOnes(resourceTypes.s3BucketLifecycleConfiguration)).toHaveLength(2);
    // The access-log bucket is versioned too (LogBucket).
    expect(one(resourceTypes.s3BucketVersioning)).toHaveLength(3);
    expect(snippetOnes(resourceTypes.s3BucketServerSideEncryptionConfiguration)).toHaveLength(2);
    // Every regional resource names its region.
    for (const r of resources.filter((r) => r.custom && /^aws:(s3|acm)\//.test(r.type))) expect(r.inputs.region, r.name).toBeDefined();
  });

  it("replicates origin to replica with a role that reads the one and writes the other only", () => {
    const [replication] = one(resourceTypes.s3BucketReplicationConfig);
    const [origin, replica] = snippetOnes(resourceTypes.s3Bucket);
    expect(replication.inputs).toMatchObject({ region: "us-east-1", bucket: origin.outputs.id });
    expect((replication.inputs.rules as any[])[0]).toMatchObject({ status: "Enabled", destination: { bucket: replica.outputs.arn } });
    const policy = JSON.parse(String(one(resourceTypes.iamRolePolicy)[0].inputs.policy));
    const writes = policy.Statement.find((s: any) => s.Action.includes("s3:ReplicateObject"));
    expect(writes.Resource).toBe(`${replica.outputs.arn}/*`);
    expect(policy.Statement.flatMap((s: any) => s.Action)).not.toContain("s3:*");
  });

  it("reads the buckets through origin access control (sigv4, always), no OAI, bucket policies for this distribution only", () => {
    const [oac] = one(resourceTypes.cloudfrontOriginAccessControl);
    expect(oac.inputs).toMatchObject({ originAccessControlOriginType: "s3", signingBehavior: "always", signingProtocol: "sigv4" });
    expect(one(resourceTypes.cloudfrontOriginAccessIdentity)).toEqual([]);
    const origins = distribution().inputs.origins as any[];
    for (const o of origins) {
      expect(o.originAccessControlId).toBe(oac.outputs.id);
      expect(o).not.toHaveProperty("s3OriginConfig");
    }
    for (const p of snippetOnes(resourceTypes.s3BucketPolicy)) {
      const allow = JSON.parse(String(p.inputs.policy)).Statement.find((s: any) => s.Effect === "Allow");
      expect(allow.Principal).toEqual({ Service: "cloudfront.amazonaws.com" });
      expect(allow.Condition).toEqual({ StringEquals: { "AWS:SourceArn": distribution().outputs.arn } });
    }
  });

  it("fails over between two origins in two regions on 403/404/500/502/503/504, and every behavior targets the group", () => {
    const d = distribution().inputs as any;
    const [group] = d.originGroups;
    expect(group.failoverCriteria.statusCodes).toEqual([403, 404, 500, 502, 503, 504]);
    const domains = group.members.map((m: any) => d.origins.find((o: any) => o.originId === m.originId).domainName);
    expect(domains).toEqual([expect.stringMatching(/\.s3\.us-east-1\.amazonaws\.com$/), expect.stringMatching(/\.s3\.eu-west-1\.amazonaws\.com$/)]);
    for (const b of [d.defaultCacheBehavior, ...d.orderedCacheBehaviors]) expect(b.targetOriginId).toBe(group.originId);
  });

  it("serves HTTPS only (HTTP redirected), TLS 1.2 2021 with SNI, HTTP/2 and 3, compressed", () => {
    const d = distribution().inputs as any;
    for (const b of [d.defaultCacheBehavior, ...d.orderedCacheBehaviors]) {
      expect(b.viewerProtocolPolicy).toBe("redirect-to-https");
      expect(b.compress).toBe(true);
    }
    expect(d.viewerCertificate).toMatchObject({ sslSupportMethod: "sni-only", minimumProtocolVersion: "TLSv1.2_2021" });
    expect(d.httpVersion).toBe("http2and3");
    expect(d.aliases).toEqual(["cdn.example.com"]);
  });

  it("takes its certificate from ACM in us-east-1, validated in the primary zone", () => {
    const [certificate] = one(resourceTypes.acmCertificate);
    expect(certificate.inputs).toMatchObject({ domainName: "cdn.example.com", region: "us-east-1" });
    expect(one(resourceTypes.route53Record)[0].inputs.zoneId).toBe("Z0TEST");
    expect((distribution().inputs as any).viewerCertificate.acmCertificateArn).toMatch(/^arn:aws:acm:us-east-1:/);
  });

  it("caches /v* for a year and the loader for 5 minutes; CORS and security headers on every response", () => {
    const d = distribution().inputs as any;
    const policies = new Map(one(resourceTypes.cloudfrontCachePolicy).map((p) => [p.outputs.id, p.inputs as any]));
    const versioned = d.orderedCacheBehaviors.find((b: any) => b.pathPattern === "/v*");
    expect(policies.get(versioned.cachePolicyId)).toMatchObject({ minTtl: 31536000, defaultTtl: 31536000, maxTtl: 31536000 });
    expect(policies.get(d.defaultCacheBehavior.cachePolicyId)).toMatchObject({ defaultTtl: 300, maxTtl: 300 });
    const [headers] = one(resourceTypes.cloudfrontResponseHeadersPolicy);
    expect(d.defaultCacheBehavior.responseHeadersPolicyId).toBe(headers.outputs.id);
    expect((headers.inputs as any).corsConfig.accessControlAllowOrigins).toEqual({ items: ["*"] });
    expect((headers.inputs as any).securityHeadersConfig).toMatchObject({ contentTypeOptions: { override: true }, strictTransportSecurity: { override: true } });
  });

  it("uploads the library then the loader, with content type and cache-control per path, after replication exists", () => {
    const objects = one(resourceTypes.s3BucketObjectv2);
    const [library, loader] = objects;
    expect(library.inputs).toMatchObject({
      region: "us-east-1",
      contentType: "application/javascript; charset=utf-8",
      cacheControl: "public, max-age=31536000, immutable",
    });
    expect(library.inputs.key).toMatch(/^v1\.0\.0\/edge\.[0-9a-f]{12}\.js$/);
    expect(loader.inputs).toMatchObject({
      key: "loader.js",
      contentType: "application/javascript; charset=utf-8",
      cacheControl: "public, max-age=300, stale-while-revalidate=86400, stale-if-error=604800",
    });
    const [replication] = one(resourceTypes.s3BucketReplicationConfig);
    expect(loader.dependencies).toEqual(expect.arrayContaining([library.urn, replication.urn]));
    expect(String(loader.inputs.content)).toContain(`https://cdn.example.com/${library.inputs.key}`);
  });

  it("fills the CdnEndpoint contract and the snippet URL", () => {
    expect(outputs).toMatchObject({
      distributionId: distribution().outputs.id,
      domainName: expect.stringMatching(/^d[0-9a-f]+\.cloudfront\.net$/),
      hostedZoneId: "Z2FDTNDATAQYW2",
      certificateArn: expect.stringMatching(/^arn:aws:acm:us-east-1:/),
      snippetUrl: "https://cdn.example.com/loader.js",
    });
  });
});
