/**
 * Availability zones by AZ ID. A zone *name* (`us-east-1a`) maps to a different physical zone in
 * each account, and the list `DescribeAvailabilityZones` returns shifts when a zone is impaired or
 * a Local Zone is opted in; an AZ ID (`use1-az1`) names the same physical zone everywhere and never
 * moves. Subnets are pinned by AZ ID so nothing is replaced unless the configured list changes.
 *
 * Pure module: no Pulumi imports.
 */

/** Direction words of region codes and their letters in AZ IDs (`ap-southeast-2` → `apse2`). */
const directionLetters: Record<string, string> = {
  east: "e",
  west: "w",
  north: "n",
  south: "s",
  central: "c",
  northeast: "ne",
  northwest: "nw",
  southeast: "se",
  southwest: "sw",
};

/**
 * The AZ ID prefix of a region (`us-east-1` → `use1`, `eu-central-1` → `euc1`, `us-gov-west-1` →
 * `usgw1`), or undefined for a code of another shape. The scheme is AWS's, see "AZ IDs" in the AWS
 * RAM user guide (https://docs.aws.amazon.com/ram/latest/userguide/working-with-az-ids.html).
 */
export function availabilityZoneIdPrefix(region: string): string | undefined {
  const match = /^([a-z]{2})-(gov-)?([a-z]+)-(\d+)$/.exec(region);
  if (!match) return undefined;
  const letters = directionLetters[match[3]!];
  if (!letters) return undefined;
  return `${match[1]}${match[2] ? "g" : ""}${letters}${match[4]}`;
}

/**
 * What is wrong with `zoneId` as an availability zone of `region`, or undefined when it is one.
 * Local Zones (`use1-bos1-az1`) and Wavelength zones (`usw2-wl1-las-wlz1`) are refused: a
 * network load balancer cannot be placed there, and their capacity is not a region's.
 */
export function availabilityZoneIdProblem(region: string, zoneId: string): string | undefined {
  // Regions whose codes do not follow the scheme (the isolated partitions) are checked for the shape alone.
  const known = availabilityZoneIdPrefix(region);
  const pattern = known ?? "[a-z0-9]+";
  const prefix = known ?? "<prefix>";
  if (new RegExp(`^${pattern}-az\\d+$`).test(zoneId)) return undefined;
  if (new RegExp(`^${pattern}-.+`).test(zoneId)) {
    return `${zoneId} is a Local Zone or Wavelength zone of ${region}, not an availability zone: the load balancer and the hosts need the region's own zones (${prefix}-az1, ${prefix}-az2, …)`;
  }
  return `${zoneId} is not an AZ ID of ${region}: its AZ IDs are ${prefix}-az<n> (\`aws ec2 describe-availability-zones --region ${region}\` lists them as ZoneId)`;
}
