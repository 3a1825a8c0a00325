/**
 * What the benchmark concludes from its measurements: per-resource costs, linear fits, the issue's
 * targets met or missed, and the table. Pure: no processes, no Pulumi.
 */
import type { PlanMetrics } from "./run";
import type { EvaluateMetrics, PolicyMetrics } from "./worker";

export interface MatrixRow {
  regions: number;
  records: number;
  /** Provider resources the program declares (what the plan's last line counts). */
  resources: number;
  /** (a) The program under the mock runtime. */
  evaluate: EvaluateMetrics;
  /** The same resources registered flat by a bare program. */
  floor: EvaluateMetrics;
  /** (b) The policy pack over the Analyzer protocol. */
  policy: PolicyMetrics;
  /** (c) The whole `npm run plan` process. */
  plan: PlanMetrics;
}

export interface LinearFit {
  /** Fixed cost, ms. */
  interceptMs: number;
  /** Cost of one more resource, µs. */
  slopeUs: number;
}

/** Least squares `ms = intercept + slope × resources`. */
export function linearFit(points: { resources: number; ms: number }[]): LinearFit {
  const n = points.length;
  if (n < 2) return { interceptMs: points[0]?.ms ?? 0, slopeUs: 0 };
  const mx = points.reduce((s, p) => s + p.resources, 0) / n;
  const my = points.reduce((s, p) => s + p.ms, 0) / n;
  const sxx = points.reduce((s, p) => s + (p.resources - mx) ** 2, 0);
  const sxy = points.reduce((s, p) => s + (p.resources - mx) * (p.ms - my), 0);
  const slope = sxx === 0 ? 0 : sxy / sxx;
  return { interceptMs: my - slope * mx, slopeUs: slope * 1000 };
}

export interface Flatness {
  /** Marginal cost per resource fitted on the sizes up to half the largest, µs. */
  smallUs: number;
  /** The same on the sizes from half the largest up, µs. */
  largeUs: number;
  /** large / small: about 1 when cost is linear in resources, growing with size when it is not. */
  growth: number;
}

/**
 * Whether a cost grows linearly: fits the marginal per-resource cost on the sizes up to half the
 * largest resource count and on those from half of it up. A quadratic step shows as the upper
 * half's slope several times the lower half's (for `ms ∝ N²`, about 3x). Undefined when either half
 * spans less than a fifth of the largest count: slopes over close sizes are noise.
 */
export function flatness(points: { resources: number; ms: number }[]): Flatness | undefined {
  const max = Math.max(...points.map((p) => p.resources));
  const lower = points.filter((p) => p.resources <= max / 2);
  const upper = points.filter((p) => p.resources >= max / 2);
  const span = (half: typeof points) => Math.max(...half.map((p) => p.resources)) - Math.min(...half.map((p) => p.resources));
  if (lower.length < 2 || upper.length < 2 || span(lower) < max / 5 || span(upper) < max / 5) return undefined;
  const smallUs = linearFit(lower).slopeUs;
  const largeUs = linearFit(upper).slopeUs;
  return { smallUs, largeUs, growth: smallUs > 0 ? largeUs / smallUs : Number.POSITIVE_INFINITY };
}

export type CostName = "evaluate" | "floor" | "analyze" | "plan";

export function costPoints(rows: MatrixRow[], cost: CostName): { resources: number; ms: number }[] {
  const ms = (row: MatrixRow): number => (cost === "evaluate" ? row.evaluate.wallMs : cost === "floor" ? row.floor.wallMs : cost === "analyze" ? row.policy.analyzeMs : row.plan.wallMs);
  return rows.map((row) => ({ resources: row.resources, ms: ms(row) }));
}

export interface Target {
  name: string;
  limit: string;
  measured: string;
  met: boolean;
}

/** The targets, judged on the measurements. Limits are the numbers. */
export const limits = {
  prodPlanMs: 3000,
  largestPlanMs: 15_000,
  largestPlanMiB: 1024,
  floorRatio: 1.5,
  /** Upper-half slope over lower-half slope at most this: linear within noise. */
  flatGrowth: 1.5,
};

export function judgeTargets(rows: MatrixRow[], prodPlan?: PlanMetrics): Target[] {
  const targets: Target[] = [];
  if (prodPlan) {
    targets.push({
      name: "npm run plan -- --stack prod, wall",
      limit: `< ${limits.prodPlanMs} ms`,
      measured: `${prodPlan.wallMs.toFixed(0)} ms`,
      met: prodPlan.wallMs < limits.prodPlanMs,
    });
  }
  const largest = rows.find((r) => r.regions === 30 && r.records === 2000);
  if (largest) {
    targets.push(
      {
        name: "30 regions / 2000 records plan, wall",
        limit: `< ${limits.largestPlanMs} ms`,
        measured: `${largest.plan.wallMs.toFixed(0)} ms`,
        met: largest.plan.wallMs < limits.largestPlanMs,
      },
      {
        name: "30 regions / 2000 records plan, peak RSS (process tree)",
        limit: `< ${limits.largestPlanMiB} MiB`,
        measured: `${largest.plan.peakMiB.toFixed(0)} MiB`,
        met: largest.plan.peakMiB < limits.largestPlanMiB,
      },
      {
        name: "30 regions / 2000 records plan, peak RSS (its largest process)",
        limit: `< ${limits.largestPlanMiB} MiB`,
        measured: `${largest.plan.largestMiB.toFixed(0)} MiB`,
        met: largest.plan.largestMiB < limits.largestPlanMiB,
      },
    );
  }
  if (rows.length > 0) {
    const worst = rows.reduce((a, b) => (ratio(b) > ratio(a) ? b : a));
    targets.push({
      name: "(a) evaluation over the bare-mock floor, every size",
      limit: `≤ ${limits.floorRatio}x`,
      measured: `${ratio(worst).toFixed(2)}x at worst (${worst.regions} regions, ${worst.records} records)`,
      met: rows.every((r) => ratio(r) <= limits.floorRatio),
    });
  }
  for (const cost of ["evaluate", "analyze", "plan"] as const) {
    const f = flatness(costPoints(rows, cost));
    if (f) {
      targets.push({
        name: `${costLabel[cost]}: per-resource cost flat across sizes`,
        limit: `upper-half slope ≤ ${limits.flatGrowth}x lower-half slope`,
        measured: `${f.smallUs.toFixed(0)} → ${f.largeUs.toFixed(0)} µs/resource (${f.growth.toFixed(2)}x)`,
        met: f.growth <= limits.flatGrowth,
      });
    }
  }
  return targets;
}

const costLabel: Record<CostName, string> = {
  evaluate: "(a) evaluation",
  floor: "floor",
  analyze: "(b) policy analysis",
  plan: "(c) whole plan",
};

export function ratio(row: MatrixRow): number {
  return row.evaluate.wallMs / row.floor.wallMs;
}

/** Columns aligned: the first `textColumns` to the left, the numbers to the right. */
function table(header: string[], body: string[][], textColumns: number): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < textColumns ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...body.map(line)];
}

const ms = (value: number) => value.toFixed(0);
const mib = (value: number) => value.toFixed(0);
const us = (totalMs: number, resources: number) => (resources > 0 ? ((totalMs * 1000) / resources).toFixed(0) : "-");

const cpu = (value: number | undefined) => (value === undefined ? "-" : value.toFixed(0));

/**
 * The plan-scaling table: one row per size. Times in ms (wall, and CPU where measured), memory as
 * peak RSS in MiB, costs in µs of wall time per resource.
 */
export function renderMatrix(rows: MatrixRow[]): string[] {
  return table(
    [
      "regions",
      "records",
      "resources",
      "(a) ms",
      "(a) cpu",
      "(a) MiB",
      "floor ms",
      "floor cpu",
      "ratio",
      "ratio cpu",
      "(b) start ms",
      "(b) analyze ms",
      "(b) pack MiB",
      "(c) ms",
      "(c) cpu",
      "(c) MiB",
      "exit",
      "µs/res (a)",
      "(b)",
      "(c)",
    ],
    rows.map((r) => [
      String(r.regions),
      String(r.records),
      String(r.resources),
      ms(r.evaluate.wallMs),
      cpu(r.evaluate.cpuMs),
      mib(r.evaluate.peakMiB),
      ms(r.floor.wallMs),
      cpu(r.floor.cpuMs),
      ratio(r).toFixed(2),
      (r.evaluate.cpuMs / r.floor.cpuMs).toFixed(2),
      ms(r.policy.startMs),
      ms(r.policy.analyzeMs),
      mib(r.policy.packPeakMiB),
      ms(r.plan.wallMs),
      cpu(r.plan.cpuMs),
      mib(r.plan.peakMiB),
      String(r.plan.code),
      us(r.evaluate.wallMs, r.resources),
      us(r.policy.analyzeMs, r.resources),
      us(r.plan.wallMs, r.resources),
    ]),
    0,
  );
}

/** Fixed and marginal cost of each step, fitted over every size. */
export function renderFits(rows: MatrixRow[]): string[] {
  return table(
    ["step", "fixed ms", "µs per resource", "lower half", "upper half"],
    (["evaluate", "floor", "analyze", "plan"] as const).map((cost) => {
      const points = costPoints(rows, cost);
      const fit = linearFit(points);
      const f = flatness(points);
      return [costLabel[cost], ms(fit.interceptMs), fit.slopeUs.toFixed(0), f?.smallUs.toFixed(0) ?? "-", f?.largeUs.toFixed(0) ?? "-"];
    }),
    1,
  );
}

export function renderTargets(targets: Target[]): string[] {
  return targets.map((t) => `${t.met ? "met   " : "MISSED"}  ${t.name}: ${t.measured} (target ${t.limit})`);
}

/** The plan-scaling table, fits and targets as Markdown, for docs/design/benchmarks.md. */
export function renderMarkdown(rows: MatrixRow[], targets: Target[]): string[] {
  const header = [
    "regions",
    "records",
    "resources",
    "(a) ms",
    "(a) CPU ms",
    "(a) MiB",
    "floor ms",
    "ratio",
    "(b) start ms",
    "(b) analyze ms",
    "(b) pack MiB",
    "(c) ms",
    "(c) CPU ms",
    "(c) MiB",
    "(c) µs/resource",
  ];
  const lines = [`| ${header.join(" | ")} |`, `|${header.map((_, i) => (i < 3 ? " --- |" : " ---: |")).join("")}`];
  for (const r of rows) {
    const cells = [
      r.regions,
      r.records,
      r.resources,
      ms(r.evaluate.wallMs),
      cpu(r.evaluate.cpuMs),
      mib(r.evaluate.peakMiB),
      ms(r.floor.wallMs),
      ratio(r).toFixed(2),
      ms(r.policy.startMs),
      ms(r.policy.analyzeMs),
      mib(r.policy.packPeakMiB),
      ms(r.plan.wallMs),
      cpu(r.plan.cpuMs),
      mib(r.plan.peakMiB),
      us(r.plan.wallMs, r.resources),
    ];
    lines.push(`| ${cells.join(" | ")} |`);
  }
  lines.push("", "| step | fixed ms | µs per resource (all sizes) | lower half | upper half |", "| --- | ---: | ---: | ---: | ---: |");
  for (const cost of ["evaluate", "floor", "analyze", "plan"] as const) {
    const points = costPoints(rows, cost);
    const fit = linearFit(points);
    const f = flatness(points);
    lines.push(`| ${costLabel[cost]} | ${ms(fit.interceptMs)} | ${fit.slopeUs.toFixed(0)} | ${f?.smallUs.toFixed(0) ?? "-"} | ${f?.largeUs.toFixed(0) ?? "-"} |`);
  }
  lines.push("", "| target | limit | measured | |", "| --- | --- | --- | --- |");
  for (const t of targets) lines.push(`| ${t.name} | ${t.limit} | ${t.measured} | ${t.met ? "met" : "**missed**"} |`);
  return lines;
}
