/**
 * Recovery time before deploy: for each failure mode, the worst-case time until it is detected and
 * until traffic is served again, derived from the resources as declared (health checks, target
 * groups, records, the nginx and env file rendered into user data, the CDN's origins), and the
 * events at risk in that window with how many the snippet's retries bring in.
 *
 * The model is a table: one row per failure mode, naming where it applies (each region's fleet, or
 * the stack) and the function that figures it. The policy (policies/recovery) holds each mode's
 * bound in a table of the same rows. Each figure is a sum of terms; each term names the resource
 * inputs it comes from, so a reader (and a later twin run) can check every second of it.
 *
 * Pure module: no Pulumi imports.
 */
import { RetrySchedule, snippetDelivery } from "../snippet/delivery";
import { RegionContext, regionContexts, StackContext, stackContext } from "./context";
import { datastorePrimaryFailsFigures, deployFigures, spoolFullFigures } from "./datastoreFigures";
import { cdnFigures, dnsFigure, libraryFigures } from "./edgeFigures";
import { snippetLimits } from "./figure";
import { azLostFigures, hostDiesFigures, hostFreezesFigures, serviceDiesFigures, serviceFreezesFigures } from "./hostFigures";
import { regionFigures, secondaryRegionFigures } from "./regionFigures";
import { serviceBehaviour, ServiceBehaviour } from "./services";
import { connectStormFigures, hostStallsFigures } from "./stalledHost";
import type { DeclaredResource } from "../declaredResource";
import { FailureMode, failureModes, RecoveryFigure, RecoveryReport } from "./types";

/** A failure mode of each region's fleet, figured once per region. */
interface RegionRow {
  mode: FailureMode;
  per: "region";
  figures: (region: RegionContext) => RecoveryFigure[];
}

/** A failure mode of the stack as a whole (DNS, the CDN, the snippet, the regions' records). */
interface StackRow {
  mode: FailureMode;
  per: "stack";
  figures: (stack: StackContext) => RecoveryFigure[];
}

export type FailureModeRow = RegionRow | StackRow;

/**
 * Every failure mode, one row each. The report lists each region's figures in the order of the
 * region rows, then the stack rows' figures.
 */
export const failureModeTable: readonly FailureModeRow[] = [
  { mode: "hostDies", per: "region", figures: hostDiesFigures },
  { mode: "hostFreezes", per: "region", figures: hostFreezesFigures },
  { mode: "azLost", per: "region", figures: azLostFigures },
  { mode: "serviceDies", per: "region", figures: serviceDiesFigures },
  { mode: "serviceFreezes", per: "region", figures: serviceFreezesFigures },
  { mode: "hostStalls", per: "region", figures: hostStallsFigures },
  { mode: "connectStorm", per: "region", figures: connectStormFigures },
  { mode: "datastorePrimaryFails", per: "region", figures: datastorePrimaryFailsFigures },
  { mode: "spoolFull", per: "region", figures: spoolFullFigures },
  { mode: "deploy", per: "region", figures: deployFigures },
  { mode: "regionLost", per: "stack", figures: (s) => regionFigures(s.resources, s.events, s.regionCount, s.behaviour) },
  { mode: "regionLostSecondary", per: "stack", figures: (s) => secondaryRegionFigures(s.resources, s.events, s.regionCount, s.behaviour) },
  { mode: "dnsPrimaryLost", per: "stack", figures: (s) => [dnsFigure(s.resources, s.events)].filter((f): f is RecoveryFigure => f !== undefined) },
  { mode: "cdnOriginFails", per: "stack", figures: (s) => cdnFigures(s.resources, s.events) },
  { mode: "libraryUnavailable", per: "stack", figures: (s) => libraryFigures(s.resources, s.events) },
];

/** Every figure the declared resources allow. */
export function recoveryReport(resources: DeclaredResource[], retry: RetrySchedule = snippetDelivery.retry, behaviour: ServiceBehaviour = serviceBehaviour): RecoveryReport {
  const stack = stackContext(resources, retry, behaviour);
  const regionRows = failureModeTable.filter((row): row is RegionRow => row.per === "region");
  const stackRows = failureModeTable.filter((row): row is StackRow => row.per === "stack");
  const figures = [...regionContexts(stack).flatMap((region) => regionRows.flatMap((row) => row.figures(region))), ...stackRows.flatMap((row) => row.figures(stack))];
  return { figures, peakEventsPerSecond: stack.peakEventsPerSecond, retry, redeliverySeconds: stack.redeliverySeconds, limits: snippetLimits(retry) };
}

/** The worst figure of each mode (the largest recovery), in `failureModes` order. */
export function worstByMode(report: RecoveryReport): RecoveryFigure[] {
  return failureModes.flatMap((mode) => {
    const of = report.figures.filter((f) => f.mode === mode);
    return of.length ? [of.reduce((a, b) => (b.recoverySeconds > a.recoverySeconds ? b : a))] : [];
  });
}
