import { describe, expect, it } from "vitest";
import { enforceDeclaredOriginBuckets } from "../../../policies/cdn/enforceDeclaredOriginBuckets";
import { runStackPolicy } from "../harness";
import { resourceTypes } from "../../../models/resourceTypes";
import { buckets, cdnStack, distribution } from "./samples";

const messages = async (subjects: ReturnType<typeof cdnStack>) => (await runStackPolicy(enforceDeclaredOriginBuckets, subjects)).map((f) => f.message);

describe("enforce-declared-origin-buckets", () => {
  it("accepts origins that are the stack's buckets, on Bucket and BucketV2", async () => {
    expect(await messages(cdnStack())).toEqual([]);
    expect(
      await messages(
        cdnStack(
          distribution,
          buckets.map((b) => ({ ...b, type: resourceTypes.s3BucketV2 })),
        ),
      ),
    ).toEqual([]);
  });

  it("refuses an origin that names a bucket outside the stack", async () => {
    const foreign = { ...distribution, origins: [{ ...distribution.origins[0], domainName: "someone-else.s3.us-east-1.amazonaws.com" }, distribution.origins[1]] };
    expect(await messages(cdnStack(foreign))).toEqual([
      "distribution cdn-distribution: S3 origin origin (someone-else.s3.us-east-1.amazonaws.com) is not a bucket of this stack; whoever owns that bucket name serves the CDN. " +
        "Point the origin at a declared bucket's bucketRegionalDomainName (SnippetCdn does). Security baseline (CloudFront.12). " +
        "Incident 000: the snippet was served by the API's load balancers, and when they fell over customers' pages hung on it.",
    ]);
  });

  it("refuses an origin whose bucket was removed from the stack", async () => {
    expect(await messages(cdnStack(distribution, [buckets[0]]))).toHaveLength(1);
  });
});

describe("enforce-declared-origin-buckets before the buckets exist", () => {
  it("accepts origins that depend on the stack's buckets, and refuses one that depends on none", async () => {
    const unknown = buckets.map((b) => ({ ...b, props: { bucket: b.props.bucket } }));
    const withDeps = (deps: string[]) => cdnStack(distribution, unknown).map((s) => (s.type === resourceTypes.cloudfrontDistribution ? { ...s, propertyDependencies: { origins: deps } } : s));
    expect(await messages(withDeps(["cdn-origin", "cdn-replica"]))).toEqual([]);
    expect(await messages(withDeps([]))).toHaveLength(2);
  });
});
