/** The CDN guards added for hand edits that passed: root object, custom-origin TLS, HSTS headers. */
import { describe, expect, it } from "vitest";
import { resourceTypes as t } from "../../../models/resourceTypes";
import { configureDefaultRootObject } from "../../../policies/cdn/configureDefaultRootObject";
import { enforceCdnHsts } from "../../../policies/cdn/enforceCdnHsts";
import { enforceCdnOriginTls } from "../../../policies/cdn/enforceCdnOriginTls";
import { runResourcePolicy, runStackPolicy, Subject } from "../harness";
import { cdnStack, distribution } from "./samples";

const type = t.cloudfrontDistribution;
const headers: Subject = {
  type: t.cloudfrontResponseHeadersPolicy,
  name: "cdn-headers",
  props: { id: "rhp-1", securityHeadersConfig: { strictTransportSecurity: { accessControlMaxAgeSec: 63_072_000, includeSubdomains: true, preload: true, override: true } } },
};
const withHeaders = { ...distribution, defaultRootObject: "loader.js", defaultCacheBehavior: { ...distribution.defaultCacheBehavior, responseHeadersPolicyId: "rhp-1" } };

describe("configure-cdn-default-root-object", () => {
  it("refuses a distribution with S3 origins and no default root object; custom-only ones are not judged", async () => {
    expect(await runResourcePolicy(configureDefaultRootObject, { type, props: withHeaders, name: "cdn" })).toEqual([]);
    expect(await runResourcePolicy(configureDefaultRootObject, { type, props: distribution, name: "cdn" })).toEqual([
      'distribution cdn has 2 S3 origin(s) and no defaultRootObject: a request for / reaches the bucket\'s root. Set defaultRootObject to the object the root URL should serve (SnippetCdn uses the loader, "loader.js"). Security baseline (CloudFront.1, CKV_AWS_305).',
    ]);
    const customOnly = { ...distribution, origins: [{ originId: "api", domainName: "api.example.com", customOriginConfig: { originProtocolPolicy: "https-only", originSslProtocols: ["TLSv1.2"] } }] };
    expect(await runResourcePolicy(configureDefaultRootObject, { type, props: customOnly, name: "cdn" })).toEqual([]);
  });
});

describe("enforce-cdn-origin-tls", () => {
  const custom = (config: Record<string, unknown>) => ({ ...distribution, origins: [...distribution.origins, { originId: "api", domainName: "api.example.com", customOriginConfig: config }] });
  it("accepts https-only over TLS 1.2 and refuses plain HTTP and old protocols toward a custom origin", async () => {
    expect(await runResourcePolicy(enforceCdnOriginTls, { type, props: custom({ originProtocolPolicy: "https-only", originSslProtocols: ["TLSv1.2"] }), name: "cdn" })).toEqual([]);
    expect(await runResourcePolicy(enforceCdnOriginTls, { type, props: custom({ originProtocolPolicy: "match-viewer", originSslProtocols: ["SSLv3", "TLSv1.2"] }), name: "cdn" })).toEqual([
      'distribution cdn: custom origin api is fetched with originProtocolPolicy match-viewer, which lets CloudFront use plain HTTP; required is https-only. Set originProtocolPolicy "https-only". Security baseline (CloudFront.9, CKV2_AWS_72).',
      'distribution cdn: custom origin api allows SSLv3 toward the origin; allowed is TLSv1.2 only. Set originSslProtocols ["TLSv1.2"]. Security baseline (CloudFront.10, CKV2_AWS_54).',
    ]);
    expect((await runResourcePolicy(enforceCdnOriginTls, { type, props: custom({ originProtocolPolicy: "https-only", originSslProtocols: ["TLSv1.1"] }), name: "cdn" }))[0]).toMatch(
      /allows TLSv1\.1 .*Security baseline\.$/,
    );
  });
});

describe("enforce-cdn-hsts", () => {
  const stack = (props: Record<string, unknown> = withHeaders, policy: Subject = headers) => [...cdnStack(props), policy];
  it("accepts every behavior answering with a headers policy that sends a year of HSTS with includeSubdomains, preload and override", async () => {
    expect(await runStackPolicy(enforceCdnHsts, stack())).toEqual([]);
  });

  it("refuses a behavior without the stack's headers policy, and a policy with weak or no HSTS", async () => {
    const bare = await runStackPolicy(enforceCdnHsts, stack(distribution));
    expect(bare.map((f) => f.message)).toEqual([
      "distribution cdn-distribution: cache behavior default answers with no response headers policy of the stack, so no Strict-Transport-Security header. Set responseHeadersPolicyId to the stack's aws.cloudfront.ResponseHeadersPolicy (SnippetCdn declares one). Security baseline (CKV2_AWS_32).",
    ]);
    const weak = {
      ...headers,
      props: { ...headers.props, securityHeadersConfig: { strictTransportSecurity: { accessControlMaxAgeSec: 3600, includeSubdomains: true, preload: false, override: true } } },
    };
    expect((await runStackPolicy(enforceCdnHsts, stack(withHeaders, weak))).map((f) => f.message)).toEqual([
      "response headers policy cdn-headers's Strict-Transport-Security lacks max-age 3600 s (required ≥ 31536000), preload. Set them in securityHeadersConfig.strictTransportSecurity. Security baseline (CKV_AWS_259).",
    ]);
    const none = { ...headers, props: { ...headers.props, securityHeadersConfig: {} } };
    expect((await runStackPolicy(enforceCdnHsts, stack(withHeaders, none)))[0]!.message).toMatch(/sends no Strict-Transport-Security header/);
  });
});
