/**
 * Targets judged as same-run ratios: each round measures a cost and its floor one after the other,
 * so both see the same load on a shared machine, and the target is judged on the median of the
 * rounds' ratios, with their range printed beside it. A missed target is reported, never an error:
 * the bench exits 0 whatever it measured.
 *
 * Pure: no processes.
 */

/** `atMost`: the ratio must stay at or below the limit (a cost over its floor); `atLeast`: at or above (a rate over its floor's). */
export type Direction = "atMost" | "atLeast";

export interface RoundTarget {
  name: string;
  /** What the ratio divides, e.g. "prod plan wall / plain-node SDK floor wall". */
  ratioOf: string;
  direction: Direction;
  limit: number;
  /** Each round's ratio; rounds that could not be measured are left out. */
  ratios: number[];
}

export interface JudgedTarget extends RoundTarget {
  median: number | undefined;
  min: number | undefined;
  max: number | undefined;
  /** Undefined when no round measured it. */
  met: boolean | undefined;
}

/** At least this many rounds before a median is worth judging; fewer are judged but flagged. */
export const minimumRounds = 5;

export function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function judgeRoundTarget(target: RoundTarget): JudgedTarget {
  const ratios = target.ratios.filter((r) => Number.isFinite(r));
  const mid = median(ratios);
  const met = mid === undefined ? undefined : target.direction === "atMost" ? mid <= target.limit : mid >= target.limit;
  return {
    ...target,
    ratios,
    median: mid,
    min: ratios.length ? Math.min(...ratios) : undefined,
    max: ratios.length ? Math.max(...ratios) : undefined,
    met,
  };
}

/** Each round's ratio of `cost` over `floor`, rounds paired by index; a round missing either side, or with a zero floor, is left out. */
export function pairedRatios(cost: readonly (number | undefined)[], floor: readonly (number | undefined)[]): number[] {
  const ratios: number[] = [];
  for (let i = 0; i < Math.min(cost.length, floor.length); i++) {
    const c = cost[i];
    const f = floor[i];
    if (c === undefined || f === undefined || f === 0) continue;
    ratios.push(c / f);
  }
  return ratios;
}

const limitText = (t: RoundTarget) => `${t.direction === "atMost" ? "<=" : ">="} ${t.limit}x`;
const x = (n: number | undefined) => (n === undefined ? "-" : `${n.toFixed(2)}x`);

/** One line per target: verdict, median [range] of n rounds, the limit, and what the ratio divides. */
export function renderRoundTargets(targets: readonly JudgedTarget[]): string[] {
  return targets.map((t) => {
    const verdict = t.met === undefined ? "not measured" : t.met ? "met" : "MISSED";
    const few = t.ratios.length > 0 && t.ratios.length < minimumRounds ? `, fewer than ${minimumRounds} rounds` : "";
    const range = t.min === undefined ? "no rounds" : `${x(t.min)}-${x(t.max)}`;
    return `${verdict.padEnd(12)} ${t.name}: ${x(t.median)} [${range}] over ${t.ratios.length} rounds${few} (target ${limitText(t)}; ${t.ratioOf})`;
  });
}

/** The same as a Markdown table, for docs/design/benchmarks.md. */
export function roundTargetsMarkdown(targets: readonly JudgedTarget[]): string[] {
  const lines = ["| target | limit | median | range | rounds | |", "| --- | --- | --- | --- | --- | --- |"];
  for (const t of targets) {
    const verdict = t.met === undefined ? "not measured" : t.met ? "met" : "**missed**";
    lines.push(`| ${t.name} (${t.ratioOf}) | ${limitText(t)} | ${x(t.median)} | ${t.min === undefined ? "-" : `${x(t.min)}-${x(t.max)}`} | ${t.ratios.length} | ${verdict} |`);
  }
  return lines;
}

/** One round of the plan targets: wall times in ms, each measured right after the other. */
export interface PlanRound {
  /** A plain `node` that requires the SDKs the plan loads, and exits. */
  sdkFloorMs?: number;
  prodPlanMs?: number;
  /** The 30-region / 2,000-record stack's plan. */
  largePlanMs?: number;
}

/** One round of pr-check: each pull-request class's wall time and the one prod plan of the round, ms. */
export interface PrCheckRatioRound {
  planMs: number;
  classes: Record<string, number>;
}

/** One round of the ingest path: stored (or, for the trivial handler, answered) events per second. */
export interface IngestRound {
  serviceSingle?: number;
  trivialSingle?: number;
  serviceBatch50?: number;
  /** PostgreSQL's COPY FROM STDIN of the same rows into a table like the service's. */
  copy?: number;
}

/** The speed targets, each a same-run ratio over its floor. */
export function speedTargets(plan: readonly PlanRound[], prCheck: readonly PrCheckRatioRound[], ingest: readonly IngestRound[]): RoundTarget[] {
  const prod = plan.map((r) => r.prodPlanMs);
  const classes = [...new Set(prCheck.flatMap((r) => Object.keys(r.classes)))];
  return [
    {
      name: "prod plan",
      ratioOf: "plan wall / plain-node SDK floor wall",
      direction: "atMost",
      limit: 2,
      ratios: pairedRatios(
        prod,
        plan.map((r) => r.sdkFloorMs),
      ),
    },
    ...classes.map(
      (c): RoundTarget => ({
        name: `pr-check, ${c}`,
        ratioOf: "pr-check wall / one prod plan's wall",
        direction: "atMost",
        limit: 1.6,
        ratios: pairedRatios(
          prCheck.map((r) => r.classes[c]),
          prCheck.map((r) => r.planMs),
        ),
      }),
    ),
    {
      name: "30 regions / 2,000 records plan",
      ratioOf: "its wall / the prod plan's wall",
      direction: "atMost",
      limit: 3,
      ratios: pairedRatios(
        plan.map((r) => r.largePlanMs),
        prod,
      ),
    },
    {
      name: "service, one-event beacons",
      ratioOf: "events/s / a trivial Node handler's behind the same nginx",
      direction: "atLeast",
      limit: 0.85,
      ratios: pairedRatios(
        ingest.map((r) => r.serviceSingle),
        ingest.map((r) => r.trivialSingle),
      ),
    },
    {
      name: "service, one-event beacons",
      ratioOf: "stored events/s / PostgreSQL COPY's",
      direction: "atLeast",
      limit: 0.4,
      ratios: pairedRatios(
        ingest.map((r) => r.serviceSingle),
        ingest.map((r) => r.copy),
      ),
    },
    {
      name: "service, 50-event batches",
      ratioOf: "stored events/s / PostgreSQL COPY's",
      direction: "atLeast",
      limit: 0.9,
      ratios: pairedRatios(
        ingest.map((r) => r.serviceBatch50),
        ingest.map((r) => r.copy),
      ),
    },
  ];
}
