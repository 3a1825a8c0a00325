/**
 * Protects: the pack's policies share one deserialization of each resource's properties per
 * analysis (`tools/plan/runtime/sharedPackProperties.ts`), through `@pulumi/policy`'s own analyzer
 * function fed a request decoded from its wire bytes as gRPC decodes it: every stack policy sees
 * the same properties object in one analysis, a second analysis gets objects of its own, and the
 * properties read are the resource's. That the plan's verdicts do not change: plainPath.spec.ts.
 */
import { afterEach, describe, expect, it } from "vitest";
import { PolicyDeserializeModule, shareDeserializedProperties } from "../../../tools/plan/runtime/sharedPackProperties";

const analyzerproto = require("@pulumi/pulumi/proto/analyzer_pb");
const structproto = require("google-protobuf/google/protobuf/struct_pb");
const server = require("@pulumi/policy/server") as {
  makeAnalyzeStackRpcFun(name: string, version: string, level: string, policies: object[]): (call: object, callback: (error: unknown, response: unknown) => void) => Promise<void>;
};
const deserialize = require("@pulumi/policy/deserialize") as PolicyDeserializeModule;
const { getSpecialProxyTarget } = require("@pulumi/policy/proxy") as { getSpecialProxyTarget: string };
const libraryOwn = deserialize.deserializeProperties;

afterEach(() => {
  deserialize.deserializeProperties = libraryOwn;
});

/** An AnalyzeStack request of `count` buckets, encoded and decoded again as it crosses gRPC. */
function decodedStackRequest(count: number): object {
  const request = new analyzerproto.AnalyzeStackRequest();
  request.setResourcesList(
    Array.from({ length: count }, (_, i) => {
      const resource = new analyzerproto.AnalyzerResource();
      resource.setType("aws:s3/bucket:Bucket");
      resource.setUrn(`urn:pulumi:test::edge::aws:s3/bucket:Bucket::b${i}`);
      resource.setName(`b${i}`);
      resource.setProperties(structproto.Struct.fromJavaScript({ bucket: `bucket-${i}`, tags: { team: "edge" } }));
      resource.setOptions(new analyzerproto.AnalyzerResourceOptions());
      return resource;
    }),
  );
  return analyzerproto.AnalyzeStackRequest.deserializeBinary(request.serializeBinary());
}

/** Runs three stack policies over one request; each records the object behind every resource's properties proxy. */
async function analyze(request: object): Promise<{ seen: object[][]; buckets: string[][] }> {
  const seen: object[][] = [];
  const buckets: string[][] = [];
  const policies = ["first", "second", "third"].map((name) => ({
    name,
    description: name,
    enforcementLevel: "mandatory",
    validateStack: (args: { resources: { props: Record<string, unknown> }[] }) => {
      seen.push(args.resources.map((r) => r.props[getSpecialProxyTarget] as object));
      buckets.push(args.resources.map((r) => r.props.bucket as string));
    },
  }));
  await new Promise<void>((resolve, reject) => server.makeAnalyzeStackRpcFun("edge-test", "0.0.1", "mandatory", policies)({ request }, (error) => (error ? reject(error) : resolve())));
  return { seen, buckets };
}

describe("the pack's shared deserialization of resource properties", () => {
  it("without it, @pulumi/policy deserializes each resource again for every stack policy", async () => {
    const { seen } = await analyze(decodedStackRequest(2));
    expect(seen[0]![0]).not.toBe(seen[1]![0]);
  });

  it("with it, every stack policy of one analysis reads one object per resource, deserialized once", async () => {
    let deserialized = 0;
    deserialize.deserializeProperties = (struct, proxySecrets) => {
      deserialized++;
      return libraryOwn(struct, proxySecrets);
    };
    shareDeserializedProperties(deserialize);
    const { seen, buckets } = await analyze(decodedStackRequest(3));
    expect(deserialized).toBe(3);
    expect(seen).toHaveLength(3);
    for (const policySeen of seen.slice(1)) policySeen.forEach((props, i) => expect(props).toBe(seen[0]![i]));
    expect(buckets).toEqual(Array(3).fill(["bucket-0", "bucket-1", "bucket-2"]));
  });

  it("never shares between two analyses, even of the same bytes", async () => {
    shareDeserializedProperties(deserialize);
    const first = await analyze(decodedStackRequest(2));
    const second = await analyze(decodedStackRequest(2));
    first.seen[0]!.forEach((props, i) => expect(props).not.toBe(second.seen[0]![i]));
  });

  it("leaves calls that proxy secrets (remediations) to the library", () => {
    shareDeserializedProperties(deserialize);
    const struct = structproto.Struct.fromJavaScript({ bucket: "b" });
    expect(deserialize.deserializeProperties(struct, true)).not.toBe(deserialize.deserializeProperties(struct, true));
    expect(deserialize.deserializeProperties(struct, false)).toBe(deserialize.deserializeProperties(struct, false));
  });
});
