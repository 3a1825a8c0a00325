/**
 * Fleet capacity with a region lost (incidents 000 and 002): the other regions' maximum hosts ×
 * events per host must carry the peak × burst factor. Pure module: no Pulumi imports.
 */

/** One region's ingestion fleet as declared. */
export interface RegionFleet {
  region: string;
  maxHosts: number;
  eventsPerHostPerSecond: number;
}

export interface FleetDemand {
  peakEventsPerSecond: number;
  burstFactor: number;
}

export interface RegionLossCapacity {
  /** Peak × burst, events/s. */
  requiredEventsPerSecond: number;
  /** The region whose loss leaves the least capacity (the largest); undefined with one region. */
  lostRegion?: string;
  /** Events/s the remaining regions carry at their maximum size. */
  survivingEventsPerSecond: number;
  /** Surviving over required, minus one, in percent (negative: short). */
  headroomPercent: number;
  ok: boolean;
  /** Smallest `m` such that every region at max(maxHosts, m) carries the demand; the largest current one when ok. */
  neededMaxHostsPerRegion: number;
}

function regionCapacity(fleet: RegionFleet): number {
  return fleet.maxHosts * fleet.eventsPerHostPerSecond;
}

/** Events/s left after losing the largest region (with one region: that region itself, nothing lost). */
export function survivingCapacity(fleets: RegionFleet[]): { lostRegion?: string; survivingEventsPerSecond: number } {
  const total = fleets.reduce((sum, f) => sum + regionCapacity(f), 0);
  if (fleets.length < 2) return { survivingEventsPerSecond: total };
  const largest = fleets.reduce((a, b) => (regionCapacity(b) > regionCapacity(a) ? b : a));
  return { lostRegion: largest.region, survivingEventsPerSecond: total - regionCapacity(largest) };
}

/**
 * Judges the fleet: with two or more regions, the largest one lost; with one region, that region
 * alone (losing it loses everything; `missing-second-region` judges that under prod rules).
 */
export function regionLossCapacity(fleets: RegionFleet[], demand: FleetDemand): RegionLossCapacity {
  const requiredEventsPerSecond = demand.peakEventsPerSecond * demand.burstFactor;
  const { lostRegion, survivingEventsPerSecond } = survivingCapacity(fleets);
  const ok = survivingEventsPerSecond >= requiredEventsPerSecond;
  const currentMax = Math.max(0, ...fleets.map((f) => f.maxHosts));
  let needed = currentMax;
  if (!ok && fleets.length > 0) {
    const raised = (m: number) => fleets.map((f) => ({ ...f, maxHosts: Math.max(f.maxHosts, m) }));
    const slowest = Math.min(...fleets.map((f) => f.eventsPerHostPerSecond));
    const ceiling = currentMax + Math.ceil(requiredEventsPerSecond / slowest) + 1;
    // Raising the smaller regions may be enough: search from the smallest group up.
    needed = Math.min(...fleets.map((f) => f.maxHosts)) + 1;
    while (needed < ceiling && survivingCapacity(raised(needed)).survivingEventsPerSecond < requiredEventsPerSecond) needed++;
  }
  return {
    requiredEventsPerSecond,
    lostRegion,
    survivingEventsPerSecond,
    headroomPercent: requiredEventsPerSecond > 0 ? (survivingEventsPerSecond / requiredEventsPerSecond - 1) * 100 : Infinity,
    ok,
    neededMaxHostsPerRegion: needed,
  };
}
