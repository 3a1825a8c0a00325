/**
 * What a region's hosts need of the network, written as tags on their launch template so the
 * reachability model (`reachability.ts`) judges the resources as declared, not the YAML: the
 * datastore's networks and port, the account, the datastore password's parameter and the bundle
 * object. The rules, routes and endpoints that serve the needs are judged against them; a need is
 * never read from the rule that is meant to serve it, so deleting the rule closes the flow rather
 * than removing it.
 *
 * Pure module: no Pulumi imports.
 */
import type { HostCallContext } from "../ingestRegion/egress";

export const networkNeedTagKeys = {
  /** The datastore's private networks, space-separated (`edge:datastore.endpoints.<region>.cidrs`). */
  datastoreNetworks: "edge:network:datastore-networks",
  /** The datastore's TCP port. */
  datastorePort: "edge:network:datastore-port",
  /** The account the hosts' calls name (the caller's account). */
  account: "edge:network:account",
  /** The datastore password's SSM parameter name; absent: none is read. */
  passwordParameter: "edge:network:password-parameter",
  /** The pinned bundle object's ARN; absent: none is read. */
  bundleObject: "edge:network:bundle-object",
} as const;

/** A tag value holds at most 256 characters (EC2 `CreateTags`). */
export const tagValueLimit = 256;

/** The needs of one region's hosts. */
export interface HostNeeds extends HostCallContext {
  datastoreNetworks: string[];
  datastorePort: number;
}

/** The tags of `needs`; throws when a value is longer than a tag takes (the schema bounds the networks first). */
export function networkNeedTags(needs: Omit<HostNeeds, "region">): Record<string, string> {
  const tags: Record<string, string> = {
    [networkNeedTagKeys.datastoreNetworks]: needs.datastoreNetworks.join(" "),
    [networkNeedTagKeys.datastorePort]: String(needs.datastorePort),
    [networkNeedTagKeys.account]: needs.accountId,
    ...(needs.passwordParameter ? { [networkNeedTagKeys.passwordParameter]: needs.passwordParameter } : {}),
    ...(needs.bundleObjectArn ? { [networkNeedTagKeys.bundleObject]: needs.bundleObjectArn } : {}),
  };
  for (const [key, value] of Object.entries(tags)) {
    if (value.length > tagValueLimit) throw new Error(`tag ${key} would be ${value.length} characters, above the ${tagValueLimit} a tag value takes: ${value}`);
  }
  return tags;
}

/** The needs a launch template's tags declare, or the keys missing. */
export function readNetworkNeeds(tags: Record<string, string>, region: string): { needs: HostNeeds } | { missing: string[] } {
  const missing = [networkNeedTagKeys.datastoreNetworks, networkNeedTagKeys.datastorePort, networkNeedTagKeys.account].filter((key) => !tags[key]);
  const port = Number(tags[networkNeedTagKeys.datastorePort]);
  if (missing.length === 0 && !(Number.isInteger(port) && port > 0 && port < 65536)) missing.push(networkNeedTagKeys.datastorePort);
  if (missing.length > 0) return { missing };
  return {
    needs: {
      region,
      accountId: tags[networkNeedTagKeys.account]!,
      datastoreNetworks: tags[networkNeedTagKeys.datastoreNetworks]!.split(/\s+/).filter(Boolean),
      datastorePort: port,
      passwordParameter: tags[networkNeedTagKeys.passwordParameter] || undefined,
      bundleObjectArn: tags[networkNeedTagKeys.bundleObject] || undefined,
    },
  };
}
