/**
 * The datastore connection budget (incident 002: connections piled up on the datastore until it
 * stopped answering; capping every service's connections ended it). Every process that connects
 * counts: each region's maximum hosts × processes per host (main and backup) × each process's
 * pool, summed over the regions that write to one datastore, must stay within a share of that
 * datastore's max connections. Regions that name the same datastore hosts share one budget.
 * Pure module: no Pulumi imports.
 */
import { createHash } from "node:crypto";

/** One region's fleet as it connects to its datastore. */
export interface DatastoreClientFleet {
  maxHosts: number;
  /** Processes per host that open a pool (the service's main and backup). */
  processesPerHost: number;
  /** The host's connection budget, `edge:datastore.poolSizePerHost`: each process opens floor(pool / processes). */
  poolSizePerHost: number;
}

export interface DatastoreBudgetInput {
  /** Every fleet writing to this datastore. */
  fleets: DatastoreClientFleet[];
  maxConnections: number;
  /** Share of `maxConnections` the ingestion fleets may hold, 0–1 (policy config). */
  maxShare: number;
}

export interface DatastoreBudget {
  /** Σ maxHosts × processesPerHost × floor(poolSizePerHost / processesPerHost). */
  fleetConnections: number;
  /** floor(maxShare × maxConnections). */
  limitConnections: number;
  /** Fleet connections over max connections, percent. */
  usedPercent: number;
  ok: boolean;
  /** Largest pool size per host within the limit (0 when even one connection per process is too many). */
  fittingPoolSizePerHost: number;
  /** Smallest datastore max connections that admits the fleets as declared. */
  neededMaxConnections: number;
}

/** Connections one process opens: its share of the host's pool, as the service computes it. */
export function poolPerProcess(fleet: Pick<DatastoreClientFleet, "processesPerHost" | "poolSizePerHost">): number {
  return Math.floor(fleet.poolSizePerHost / fleet.processesPerHost);
}

/** What connects to one datastore at the fleets' maximum, and whether it fits its share. */
export function datastoreBudget(input: DatastoreBudgetInput): DatastoreBudget {
  const fleetConnections = input.fleets.reduce((sum, f) => sum + f.maxHosts * f.processesPerHost * poolPerProcess(f), 0);
  const limitConnections = Math.floor(input.maxShare * input.maxConnections);
  // The fix sets one pool size for every host: each process's share must fit all processes.
  const processes = input.fleets.reduce((sum, f) => sum + f.maxHosts * f.processesPerHost, 0);
  const processesPerHost = Math.max(1, ...input.fleets.map((f) => f.processesPerHost));
  return {
    fleetConnections,
    limitConnections,
    usedPercent: (fleetConnections / input.maxConnections) * 100,
    ok: fleetConnections <= limitConnections,
    fittingPoolSizePerHost: processes > 0 ? Math.floor(limitConnections / processes) * processesPerHost : (input.fleets[0]?.poolSizePerHost ?? 0),
    neededMaxConnections: Math.ceil(fleetConnections / input.maxShare),
  };
}

/** The longest tag value AWS accepts (the identity is written as a capacity tag). */
const maxTagValueLength = 256;

/**
 * A datastore's identity as its clients name it: its candidate hosts as `host:port`, lower-cased,
 * sorted, space-separated (or `sha256:` of that, past a tag value's 256 characters). Two regions
 * whose candidates are the same write to the same datastore.
 */
export function datastoreIdentity(hosts: string[], defaultPort: number): string {
  const named = hosts.map((h) => (/:\d+$/.test(h) ? h : `${h}:${defaultPort}`).toLowerCase());
  const identity = [...new Set(named)].sort().join(" ");
  return identity.length <= maxTagValueLength ? identity : `sha256:${createHash("sha256").update(identity).digest("hex")}`;
}

/** The fields of a declared fleet the budget reads (`DeclaredFleet`, all tagged). */
export interface TaggedDatastoreFleet extends DatastoreClientFleet {
  region: string;
  datastore: string;
  datastoreMaxConnections: number;
}

/** The fleets that write to one datastore, and its budget. */
export interface DatastoreGroup<F extends TaggedDatastoreFleet> {
  datastore: string;
  fleets: F[];
  /** The smallest max connections its fleets declare for it: the worst case. */
  maxConnections: number;
  budget: DatastoreBudget;
}

/** Fleets grouped by the datastore they name (in the order first named), each group with its budget. */
export function datastoreGroups<F extends TaggedDatastoreFleet>(fleets: F[], maxShare: number): DatastoreGroup<F>[] {
  const byDatastore = new Map<string, F[]>();
  for (const fleet of fleets) byDatastore.set(fleet.datastore, [...(byDatastore.get(fleet.datastore) ?? []), fleet]);
  return [...byDatastore].map(([datastore, group]) => {
    const maxConnections = Math.min(...group.map((f) => f.datastoreMaxConnections));
    return { datastore, fleets: group, maxConnections, budget: datastoreBudget({ fleets: group, maxConnections, maxShare }) };
  });
}
