import type * as pulumi from "@pulumi/pulumi";

/**
 * Options for a resource declared inside one of the region's parts that was declared as a direct
 * child of the region itself before the region had parts: the alias keeps its URN (and the URNs of
 * its own children, which the engine derives from their parent's aliases), so `pulumi up` moves it
 * in the state instead of replacing it.
 */
export function keepUrnUnder(parent: pulumi.Resource | undefined): pulumi.ResourceOptions {
  return parent ? { aliases: [{ parent }] } : {};
}
