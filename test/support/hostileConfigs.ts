/**
 * Generators of hostile stack configs for the property tests: a valid config with one to four
 * mutations — wrong types, negative and extreme sizes, 0 or 500 regions, unicode and overlong
 * hostnames, duplicate records, CNAME loops, a CNAME beside other records, unknown keys, random
 * JSON; record names the program gives its own records, labels of 64 characters and names that
 * are not ASCII; per-region pins that are missing, shared or another region's; pool sizes below
 * what a host's processes need; more records than a zone holds. Values are the `edge:` keys
 * without their namespace, as YAML hands them over.
 */
import fc from "fast-check";
import { withRegionPins } from "./regionPins";

export const validBase = withRegionPins({
  environment: "dev",
  domain: "example.com",
  regions: ["us-east-1", "eu-west-1"],
  ingest: {
    peakEventsPerSecond: 500,
    minHostsPerRegion: 2,
    maxHostsPerRegion: 3,
    availabilityZones: 2,
    bundle: { bucket: "edge-releases-{region}", key: "releases/edge-ingest-2026.12.01.tar.gz", sha256: "4f1c2a7e9b0d3c5a8e6f1b2d4c7a9e0f3b5d8c1a6e2f4b7d9c0a3e5f8b1d2c4a" },
  },
  datastore: {
    maxConnections: 500,
    endpoints: Object.fromEntries(
      ["us-east-1", "eu-west-1"].map((region, i) => [
        region,
        { hosts: [`edge-${region}.example.internal`], passwordParameter: "/edge/dev/datastore/password", cidrs: [`10.${100 + i}.0.0/16`], route: { transitGatewayId: "tgw-0123456789abcdef0" } },
      ]),
    ),
  },
  dns: {
    aliases: [{ name: "decide", target: "api" }],
    records: [{ name: "@", type: "TXT", values: ["v=spf1 -all"] }],
    delegation: "delegated",
    secondary: { accountId: "0123456789abcdef0123456789abcdef" },
  },
  alarms: { emails: ["oncall@example.com"] },
});

type Raw = Record<string, unknown>;
type Mutation = (config: Raw) => void;

/** Every leaf the schema knows, as a path. */
const leafPaths: string[][] = [
  ["environment"],
  ["domain"],
  ["regions"],
  ["regions", "0"],
  ["ingest", "peakEventsPerSecond"],
  ["ingest", "burstFactor"],
  ["ingest", "instanceType"],
  ["ingest", "eventsPerHostPerSecond"],
  ["ingest", "minHostsPerRegion"],
  ["ingest", "maxHostsPerRegion"],
  ["ingest", "availabilityZones"],
  ["ingest", "minHealthyPercentage"],
  ["ingest", "drainSeconds"],
  ["ingest", "service"],
  ["ingest", "service", "port"],
  ["ingest", "service", "backupPort"],
  ["ingest", "service", "memoryReserveMiB"],
  ["ingest", "service", "command"],
  ["nginx", "workerConnections"],
  ["nginx", "clientHeaderBufferSize"],
  ["nginx", "largeClientHeaderBuffers", "count"],
  ["nginx", "largeClientHeaderBuffers", "size"],
  ["nginx", "connectTimeoutSeconds"],
  ["nginx", "readTimeoutSeconds"],
  ["nginx", "maxConnectionsPerHost"],
  ["nginx", "requestsPerSecondPerClient"],
  ["datastore", "maxConnections"],
  ["datastore", "poolSizePerHost"],
  ["datastore", "connectionsMetric"],
  ["dns"],
  ["dns", "ttl"],
  ["dns", "ingestName"],
  ["dns", "aliases"],
  ["dns", "records"],
  ["dns", "secondary", "accountId"],
  ["dns", "secondary", "mode"],
  ["cdn", "hostname"],
  ["cdn", "snippetFile"],
  ["cdn", "libraryFile"],
  ["cdn", "collectorPath"],
  ["cdn", "loadTimeoutMs"],
  ["cdn", "replicaRegion"],
  ["alarms", "emails"],
  ["alarms", "webhookUrl"],
  ["alarms", "thresholds"],
  ["alarms", "thresholds", "ingestFloor", "critical"],
  ["alarms", "thresholds", "memoryUsedPercent", "warning"],
  ["alarms", "thresholds", "certificateDaysToExpiry", "critical"],
];
/** The leaves that take a number. */
export const numericPaths = leafPaths.filter((p) => /Second|Hosts|Zones|Percentage|port|Port|MiB|Connections|^count$|ttl|Factor|Timeout|poolSize|PerClient|Ms|warning|critical/.test(p[p.length - 1]));

/**
 * Numbers at the edges: of the float range (the largest, the smallest subnormal, 2^53 and past),
 * of each sign, around the schema's maxima, and any double at all.
 */
export const edgeNumber: fc.Arbitrary<number> = fc.oneof(
  fc.constantFrom(
    Number.MAX_VALUE,
    -Number.MAX_VALUE,
    Number.MIN_VALUE,
    -Number.MIN_VALUE,
    Number.EPSILON,
    1e308,
    1.7976931348623157e308,
    1e-308,
    2 ** 53 - 1,
    2 ** 53,
    2 ** 53 + 2,
    2 ** 31,
    2 ** 32,
    2 ** 63,
    0,
    -0,
    0.5,
    -1,
    1,
    100,
    101,
    1000,
    1001,
    65535,
    65536,
    262_143,
    262_144,
    1_048_576,
    1_048_577,
    10_000_000,
    10_000_001,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
  ),
  fc.double(),
  fc.double({ min: 1e300, max: Number.MAX_VALUE, noNaN: true }),
  fc.integer({ min: -(2 ** 31), max: 2 ** 31 }),
);

/** What a YAML file may hold where a number belongs: numbers in quotes, booleans, null, lists, mappings. */
export const wrongTypeForNumber: fc.Arbitrary<unknown> = fc.oneof(
  edgeNumber.map((n) => String(n)),
  fc.string({ maxLength: 20 }),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.integer(), { maxKeys: 2 }),
);
const namePaths = [["domain"], ["dns", "ingestName"], ["cdn", "hostname"], ["dns", "aliases", "0", "name"], ["dns", "aliases", "0", "target"]];

export function setPath(config: Raw, path: string[], value: unknown): void {
  let at: Raw = config;
  for (const key of path.slice(0, -1)) {
    const next = at[key];
    if (next === null || typeof next !== "object") at[key] = /^\d+$/.test(key) ? [] : {};
    at = at[key] as Raw;
  }
  at[path[path.length - 1]] = value;
}

function getArray(config: Raw, path: string[]): unknown[] {
  let at: unknown = config;
  for (const key of path) at = (at as Raw | undefined)?.[key];
  return Array.isArray(at) ? at : [];
}

/** Any value a YAML file can produce, including `.nan`, `.inf` and deep nesting. */
const anyYamlValue = fc.oneof(
  fc.string(),
  fc.string({ unit: "grapheme", maxLength: 40 }),
  fc.integer(),
  fc.double(),
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0, 1e308, -1, 0, 2 ** 53 + 1),
  fc.boolean(),
  fc.constant(null),
  fc.jsonValue({ maxDepth: 4 }),
  fc.array(fc.anything({ maxDepth: 2 }), { maxLength: 4 }),
);

const regionCode = fc
  .tuple(fc.constantFrom("us", "eu", "ap", "sa", "ca", "me", "af"), fc.constantFrom("east", "west", "north", "south", "central"), fc.integer({ min: 1, max: 9 }))
  .map(([a, b, n]) => `${a}-${b}-${n}`);

const hostileName = fc.oneof(
  fc.string({ unit: "grapheme", minLength: 1, maxLength: 30 }),
  fc.constantFrom("bücher", "пример", "例え", "xn--bcher-kva", "😀", "api.", ".api", "-api", "api-", "API", "a..b", "*", "@", " api", "api\n"),
  fc.integer({ min: 64, max: 300 }).map((n) => "a".repeat(n)),
  fc.integer({ min: 2, max: 6 }).map((n) => Array.from({ length: n }, () => "b".repeat(63)).join(".")),
);

/** Record names a user might pick: the names of the program's own records, labels at and past 63, names not in ASCII. */
const recordNameOf = (c: Raw): fc.Arbitrary<string> => {
  const regions = getArray(c, ["regions"]).filter((r): r is string => typeof r === "string");
  const ingest = typeof (c.dns as Raw | undefined)?.ingestName === "string" ? String((c.dns as Raw).ingestName) : "api";
  return fc.oneof(
    fc.tuple(fc.constantFrom(...(regions.length ? regions : ["us-east-1"])), fc.constantFrom("", "-1", "-2", "-3", "-4")).map(([region, n]) => `${ingest}-${region}${n}`),
    fc.integer({ min: 62, max: 65 }).map((n) => "r".repeat(n)),
    fc.integer({ min: 62, max: 65 }).map((n) => `www.${"s".repeat(n)}`),
    fc.constantFrom("bücher", "пример.shop", "例え", "😀", "Www", "_acme-challenge", "-x", "x-", "*.eu", "a.*.b", "x_y", "a..b"),
    fc.stringMatching(/^[a-z0-9-]{1,12}$/),
  );
};

/** Records named like the program's own, or with hostile names, of one to three values. */
const namedRecords: fc.Arbitrary<Mutation> = fc.tuple(fc.integer({ min: 0, max: 1_000_000 }), fc.integer({ min: 1, max: 3 }), fc.constantFrom("A", "TXT")).map(
  ([seed, values, type]): Mutation =>
    (c) => {
      const [name] = fc.sample(recordNameOf(c), { numRuns: 1, seed });
      const value = (i: number) => (type === "A" ? `192.0.2.${i + 1}` : `v=${seed}-${i}`);
      setPath(c, ["dns", "records"], [...getArray(c, ["dns", "records"]), { name, type, values: Array.from({ length: values }, (_, i) => value(i)) }]);
    },
);

/** Per-region pins: one image for every region, a region's pin missing, another region's zones, a pin for a region not listed. */
const regionPinMutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.constant<Mutation>((c) => {
    const regions = getArray(c, ["regions"]).filter((r): r is string => typeof r === "string");
    setPath(c, ["ingest", "imageIds"], Object.fromEntries(regions.map((r) => [r, "ami-0123456789abcdef0"])));
  }),
  fc.constantFrom("imageIds", "availabilityZoneIds").map(
    (key): Mutation =>
      (c) => {
        const pins = ((c.ingest as Raw | undefined)?.[key] ?? {}) as Raw;
        const [first] = Object.keys(pins);
        if (first) delete pins[first];
      },
  ),
  fc.constant<Mutation>((c) => {
    const zones = ((c.ingest as Raw | undefined)?.availabilityZoneIds ?? {}) as Raw;
    const [a, b] = Object.keys(zones);
    if (a && b) [zones[a], zones[b]] = [zones[b], zones[a]];
  }),
  fc.constant<Mutation>((c) => {
    const zones = ((c.ingest as Raw | undefined)?.availabilityZoneIds ?? {}) as Raw;
    const [a] = Object.keys(zones);
    if (a && Array.isArray(zones[a])) zones[a] = [zones[a][0], zones[a][0]];
  }),
  fc.tuple(regionCode, fc.constantFrom("ami-0fedcba9876543210", "ami-12345678", "ami-bad", "")).map(
    ([region, image]): Mutation =>
      (c) => {
        setPath(c, ["ingest", "imageIds", region], image);
      },
  ),
);

/** Pool sizes around what a host's two processes need, and past the datastore's budget. */
const poolSizeMutation: fc.Arbitrary<Mutation> = fc.tuple(fc.constantFrom(0, 1, 2, 3, 16, 17, 250, 9_999, 10_000, 10_001), fc.option(fc.constantFrom(1, 2, 10, 3000), { nil: undefined })).map(
  ([pool, maxConnections]): Mutation =>
    (c) => {
      setPath(c, ["datastore", "poolSizePerHost"], pool);
      if (maxConnections !== undefined) setPath(c, ["datastore", "maxConnections"], maxConnections);
    },
);

/** More records than a zone holds on the secondary's plan (200 on free, 3,500 on paid plans) or than Route 53's quota set here. */
const manyRecords: fc.Arbitrary<Mutation> = fc
  .tuple(fc.constantFrom(150, 199, 201, 1_000, 5_000), fc.constantFrom("free", "pro", undefined), fc.option(fc.constantFrom(100, 10_000), { nil: undefined }))
  .map(
    ([count, plan, route53Quota]): Mutation =>
      (c) => {
        const records = Array.from({ length: count }, (_, i) => ({ name: `r${i}`, type: "TXT", values: [`v${i}`] }));
        setPath(c, ["dns", "records"], [...getArray(c, ["dns", "records"]), ...records]);
        if (plan) setPath(c, ["dns", "secondary", "plan"], plan);
        if (route53Quota !== undefined) setPath(c, ["quotas", "route53RecordsPerZone"], route53Quota);
      },
  );

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  // Wrong types anywhere.
  fc.tuple(fc.constantFrom(...leafPaths), anyYamlValue).map(
    ([path, value]): Mutation =>
      (c) =>
        setPath(c, path, value),
  ),
  // Negative, zero and extreme sizes; numbers at the float range's edges; wrong types where a number belongs.
  fc.tuple(fc.constantFrom(...numericPaths), fc.oneof(fc.integer({ min: -1_000_000, max: 0 }), fc.constantFrom(1e9, 2 ** 31, 1e308, 0.5, -0.5))).map(
    ([path, value]): Mutation =>
      (c) =>
        setPath(c, path, value),
  ),
  fc.tuple(fc.constantFrom(...numericPaths), edgeNumber).map(
    ([path, value]): Mutation =>
      (c) =>
        setPath(c, path, value),
  ),
  fc.tuple(fc.constantFrom(...numericPaths), wrongTypeForNumber).map(
    ([path, value]): Mutation =>
      (c) =>
        setPath(c, path, value),
  ),
  // Random strings where names, paths and regions belong.
  fc
    .tuple(
      fc.constantFrom<string[]>(
        ["environment"],
        ["regions", "1"],
        ["cdn", "replicaRegion"],
        ["cdn", "snippetFile"],
        ["cdn", "collectorPath"],
        ["ingest", "instanceType"],
        ["nginx", "clientHeaderBufferSize"],
      ),
      fc.string({ unit: "grapheme", maxLength: 30 }),
    )
    .map(
      ([path, value]): Mutation =>
        (c) =>
          setPath(c, path, value),
    ),
  // 0 regions, 500 regions, duplicates.
  fc.constantFrom<Mutation>((c) => setPath(c, ["regions"], [])),
  fc.array(regionCode, { minLength: 31, maxLength: 500 }).map(
    (regions): Mutation =>
      (c) =>
        setPath(c, ["regions"], regions),
  ),
  fc.constant<Mutation>((c) =>
    setPath(
      c,
      ["regions"],
      Array.from({ length: 500 }, (_, i) => `us-east-${i % 10}`),
    ),
  ),
  // Unicode and overlong hostnames.
  fc.tuple(fc.constantFrom(...namePaths), hostileName).map(
    ([path, name]): Mutation =>
      (c) =>
        setPath(c, path, name),
  ),
  // Duplicate records.
  fc.constantFrom<Mutation>((c) => {
    const records = getArray(c, ["dns", "records"]);
    setPath(c, ["dns", "records"], [...records, ...records, { name: "www", type: "A", values: ["192.0.2.1"] }, { name: "www", type: "A", values: ["192.0.2.2"] }]);
  }),
  // CNAME loops of 1 to 6 names.
  fc.uniqueArray(fc.stringMatching(/^[a-z]{1,8}$/), { minLength: 1, maxLength: 6 }).map(
    (names): Mutation =>
      (c) => {
        const loop = names.map((name, i) => ({ name: `l-${name}`, target: `l-${names[(i + 1) % names.length]}` }));
        setPath(c, ["dns", "aliases"], [...getArray(c, ["dns", "aliases"]), ...loop]);
      },
  ),
  // A CNAME beside other records at the same name.
  fc.constantFrom("api", "cdn", "@", "www").map(
    (name): Mutation =>
      (c) => {
        setPath(c, ["dns", "aliases"], [...getArray(c, ["dns", "aliases"]), { name, target: "decide" }]);
        setPath(c, ["dns", "records"], [...getArray(c, ["dns", "records"]), { name, type: "TXT", values: ["beside"] }]);
      },
  ),
  // Records with hostile contents.
  fc.record({ name: hostileName, type: fc.constantFrom("A", "AAAA", "CNAME", "TXT", "MX", "CAA", "SPF", ""), ttl: anyYamlValue, values: anyYamlValue }).map(
    (record): Mutation =>
      (c) =>
        setPath(c, ["dns", "records"], [...getArray(c, ["dns", "records"]), record]),
  ),
  // Unknown and removed keys.
  fc.tuple(fc.string({ minLength: 1, maxLength: 12 }), anyYamlValue).map(
    ([key, value]): Mutation =>
      (c) =>
        setPath(c, [key], value),
  ),
  fc.constantFrom("domain", "regions", "dns", "alarms").map(
    (key): Mutation =>
      (c) =>
        delete c[key],
  ),
  namedRecords,
  namedRecords,
  regionPinMutation,
  poolSizeMutation,
  manyRecords,
);

/** A hostile config: the valid base with 1 to 4 mutations. */
export const hostileConfig: fc.Arbitrary<Raw> = fc.array(mutation, { minLength: 1, maxLength: 4 }).map((mutations) => {
  const config = structuredClone(validBase) as Raw;
  for (const m of mutations) m(config);
  return config;
});
