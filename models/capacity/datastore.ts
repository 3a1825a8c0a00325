/**
 * The datastore connection budget (incident 002: connections piled up on the datastore until it
 * stopped answering; capping every service's connections ended it). All regions' maximum hosts ×
 * pool size per host must stay within a share of the datastore's max connections.
 * Pure module: no Pulumi imports.
 */

export interface DatastoreBudgetInput {
  /** Maximum hosts of every region. */
  maxHostsPerRegion: number[];
  poolSizePerHost: number;
  maxConnections: number;
  /** Share of `maxConnections` the ingestion fleet may hold, 0–1 (policy config). */
  maxShare: number;
}

export interface DatastoreBudget {
  /** Σ maxHosts × poolSizePerHost. */
  fleetConnections: number;
  /** floor(maxShare × maxConnections). */
  limitConnections: number;
  /** Fleet connections over max connections, percent. */
  usedPercent: number;
  ok: boolean;
  /** Largest pool size per host within the limit (0 when even 1 is too many). */
  fittingPoolSizePerHost: number;
  /** Smallest datastore max connections that admits the fleet as declared. */
  neededMaxConnections: number;
}

export function datastoreBudget(input: DatastoreBudgetInput): DatastoreBudget {
  const hosts = input.maxHostsPerRegion.reduce((a, b) => a + b, 0);
  const fleetConnections = hosts * input.poolSizePerHost;
  const limitConnections = Math.floor(input.maxShare * input.maxConnections);
  return {
    fleetConnections,
    limitConnections,
    usedPercent: (fleetConnections / input.maxConnections) * 100,
    ok: fleetConnections <= limitConnections,
    fittingPoolSizePerHost: hosts > 0 ? Math.floor(limitConnections / hosts) : input.poolSizePerHost,
    neededMaxConnections: Math.ceil(fleetConnections / input.maxShare),
  };
}
