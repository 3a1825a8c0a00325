/**
 * Each resource's properties deserialized once per analysis in the policy pack's process, however
 * many policies read them. Installed by `packPreload.ts` on the plan's fast path only; the plain
 * path (EDGE_PLAN_PLAIN=1) and `pulumi preview --policy-pack` run the library as it is.
 *
 * `@pulumi/policy` 1.21.0 (`server.js`) calls `deserializeProperties(r.getProperties(), false)`
 * again for every policy: in `analyzeStack` once per resource and stack policy, in `analyze` once
 * per resource policy. A request's protobuf `Struct` of one resource is one object for the whole
 * call (jspb keeps a message's wrapper fields once made), and another request brings new ones, so
 * a WeakMap keyed on that `Struct` shares one deserialization within an analysis and never across
 * two. Each policy still gets a proxy of its own (`unknownCheckingProxy`) over it. A call that
 * proxies secrets (a remediation's) is not shared.
 */

/** The internal module of `@pulumi/policy` (no published types) whose export `server.js` calls through the module object. */
export interface PolicyDeserializeModule {
  deserializeProperties(struct: object, proxySecrets: boolean): Record<string, unknown>;
}

export function shareDeserializedProperties(deserialize: PolicyDeserializeModule): void {
  const own = deserialize.deserializeProperties;
  const shared = new WeakMap<object, Record<string, unknown>>();
  deserialize.deserializeProperties = (struct, proxySecrets) => {
    if (proxySecrets) return own(struct, proxySecrets);
    let props = shared.get(struct);
    if (props === undefined) {
      props = own(struct, proxySecrets);
      shared.set(struct, props);
    }
    return props;
  };
}

/** Shares the deserialization of the `@pulumi/policy` the pack in `packDir` loads (its process's working directory). */
export function installSharedPackProperties(packDir: string = process.cwd()): void {
  shareDeserializedProperties(require(require.resolve("@pulumi/policy/deserialize", { paths: [packDir] })) as PolicyDeserializeModule);
}
