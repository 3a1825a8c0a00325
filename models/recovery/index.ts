/** The recovery-time model: worst-case detection and recovery per failure mode, from declared resources. Pure: no Pulumi imports. */
export * from "./types";
export * from "./services";
export { eventsModel, smallestFix, snippetLimits } from "./figure";
export type { EventsModel } from "./figure";
export { hostSystemBytes, spoolHoldSeconds, typicalEventBytes } from "./datastoreFigures";
export {
  connectStormTiming,
  nginxAcceptsPerSecond,
  reconnectStorm,
  stalledHostSeconds,
  stalledHostTerms,
  stormAcceptQueue,
  synRetransmitSeconds,
  synRetries,
  synRetryAtSeconds,
} from "./stalledHost";
export type { ConnectStormTiming } from "./stalledHost";
export { failureModeTable, recoveryReport, worstByMode } from "./report";
export type { FailureModeRow } from "./report";
