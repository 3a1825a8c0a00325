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
 * The smallest `m` with every region at max(maxHosts, m) carrying `required` after a loss. The
 * surviving capacity never falls as `m` grows (every region's capacity rises or stays, and so does
 * the sum of all but the largest), so a binary search finds it in at most 53 steps, whatever the
 * demand. Beyond 2^53 hosts integers are no longer exact and no search is meaningful: the answer is
 * the ceiling itself (Infinity for an infinite demand), which no fleet reaches.
 */
function smallestSufficientMaxHosts(fleets: RegionFleet[], required: number, currentMax: number): number {
  const carries = (m: number) => survivingCapacity(fleets.map((f) => ({ ...f, maxHosts: Math.max(f.maxHosts, m) }))).survivingEventsPerSecond >= required;
  const slowest = Math.min(...fleets.map((f) => f.eventsPerHostPerSecond));
  // With one region lost, the others at `ceiling` hosts each carry at least `required` on their own.
  const ceiling = currentMax + Math.ceil(required / slowest) + 1;
  if (!(ceiling <= Number.MAX_SAFE_INTEGER)) return ceiling;
  // Raising the smaller regions may be enough: the answer lies above the smallest group.
  let low = Math.min(...fleets.map((f) => f.maxHosts)) + 1;
  let high = ceiling;
  while (low < high) {
    const middle = Math.floor((low + high) / 2);
    if (carries(middle)) high = middle;
    else low = middle + 1;
  }
  return low;
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
  const needed = ok || fleets.length === 0 ? currentMax : smallestSufficientMaxHosts(fleets, requiredEventsPerSecond, currentMax);
  return {
    requiredEventsPerSecond,
    lostRegion,
    survivingEventsPerSecond,
    headroomPercent: requiredEventsPerSecond > 0 ? (survivingEventsPerSecond / requiredEventsPerSecond - 1) * 100 : Infinity,
    ok,
    neededMaxHostsPerRegion: needed,
  };
}
