/**
 * The per-region pins a stack config needs (zones by AZ ID, image, the region's datastore and its route), filled in
 * for every region a test config lists that does not pin its own: the tests of other rules start
 * from a config that is valid in this respect.
 */
import { createHash } from "node:crypto";
import { availabilityZoneIdPrefix } from "../../models/ingestRegion/availabilityZones";

/** An AMI id of the region's own (AMI ids are regional: one id in two regions is refused). */
export const regionImageId = (region: string) => `ami-${createHash("sha256").update(region).digest("hex").slice(0, 17)}`;

type Raw = Record<string, any>;

/** `raw` with the pins of each listed region added where it has none (the input is not changed). */
export function withRegionPins<T extends Raw>(raw: T): T {
  const regions: unknown[] = Array.isArray(raw.regions) ? raw.regions : [];
  const known = regions.filter((r): r is string => typeof r === "string" && availabilityZoneIdPrefix(r) !== undefined);
  const zones = typeof raw.ingest?.availabilityZones === "number" ? raw.ingest.availabilityZones : 3;
  const ingest = raw.ingest ?? {};
  const datastore = raw.datastore ?? {};
  const fill = <V>(given: Record<string, V> | undefined, value: (region: string) => V) => ({
    ...Object.fromEntries(known.map((region) => [region, value(region)])),
    ...(given ?? {}),
  });
  return {
    ...raw,
    ingest: {
      ...ingest,
      availabilityZoneIds: fill(ingest.availabilityZoneIds, (region) => Array.from({ length: zones }, (_, i) => `${availabilityZoneIdPrefix(region)}-az${i + 1}`)),
      imageIds: fill(ingest.imageIds, regionImageId),
    },
    datastore: {
      ...datastore,
      endpoints: fill(datastore.endpoints, (region) => ({
        hosts: [`edge-${region}.example.internal`],
        passwordParameter: "/edge/test/datastore/password",
        cidrs: ["10.200.0.0/24"],
        route: { transitGatewayId: "tgw-0123456789abcdef0" },
      })),
    },
  };
}
