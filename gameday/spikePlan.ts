/**
 * What the spike scenario's parent (`gameday/spike.ts`) and its hostile clients
 * (`gameday/spikeClients.ts`) exchange: the plan the clients run, and the report they print.
 */
export interface SpikePlan {
  /** `address:port` of the region's balancer. */
  target: string;
  collectorPath: string;
  /** The held requests' source addresses, used in turn. */
  heldSources: string[];
  heldRequests: number;
  slowHeaderConnections: number;
  /**
   * A request with a worst-case header and body; held requests send it all but its last
   * `heldBackBytes`, then one more byte of the body every `trickleMs`, so nginx's
   * client_body_timeout (which runs between two reads) never ends them while the rest open.
   */
  request: string;
  heldBackBytes: number;
  trickleMs: number;
  /** The slow headers' texts, used in turn: headers at nginx's limits (`max_headers` lines, names that waste its pool), no blank line. */
  slowHeaders: string[];
  burstSources: string[];
  /** A small complete POST: what the burst sends. */
  burstRequest: string;
  /** POSTs each burst source sends at once. */
  burstRequestsPerSource: number;
  /** How long opening every hostile connection may take, ms: opening stops there, short of the plan. */
  openingMs: number;
  /** How long the hostile connections stay open once all are, ms, at least. */
  burstMs: number;
  /** How long the burst may wait for its answers, ms: the hold ends when all came, or then. */
  burstAnswerMs: number;
  /** Connects of the storm, all at once after the hold, each a `burstRequest` from `stormSources`. */
  stormConnects: number;
  stormSources: string[];
  /** How long a storm client waits for its answer before it counts as unanswered, ms (at most until the hold ends). */
  stormTimeoutMs: number;
  /** Processes the storm's connects are shared among, started with the opening and told to go together. */
  stormProcesses: number;
}

/** One storm process's part: its connects, from which addresses, to where. */
export interface StormShare {
  stormShare: Pick<SpikePlan, "target" | "stormSources" | "burstRequest" | "stormTimeoutMs" | "stormConnects">;
}

/** What one storm process measured. */
export type StormReport = Pick<SpikeReport, "storm" | "statuses" | "shedWithoutRetryAfter">;

export interface SpikeReport {
  /** Answers to held requests and the burst, by HTTP status ("0": closed without an answer). */
  statuses: Record<string, number>;
  /** 503 answers without `Retry-After`. */
  shedWithoutRetryAfter: number;
  /** Held requests and slow headers still open, unanswered, when the hold ended. */
  heldOpen: number;
  /** Held requests and slow headers the plan asked for, and how many were opened before the opening's deadline. */
  hostilePlanned: number;
  hostileOpened: number;
  /**
   * Hostile connections at once when the last one had opened: those still open and those nginx had
   * answered (limit_conn's 503s); short of `hostilePlanned` when some were not opened or nginx
   * ended some without an answer (its client timeouts) while the rest were opening.
   */
  hostileAtOnce: number;
  /** Hostile connections nginx ended without an answer before the last one had opened. */
  hostileEndedEarly: number;
  /** Burst requests without an answer when the hold ended. */
  burstUnanswered: number;
  /** Connections the balancer or a host refused or reset before an answer. */
  connectErrors: number;
  /** When the hostile clients started opening connections, when every one was open, and when they were closed (ms since epoch). */
  openingFrom: number;
  heldFrom: number;
  heldUntil: number;
  /** The connect storm: answers, 503s, connects refused or reset, unanswered within its timeout, and the longest wait from connect to answer, ms. */
  storm: {
    answered: number;
    shed503: number;
    connectErrors: number;
    unanswered: number;
    slowestMs: number;
    /**
     * The clients' own delay in the storm, ms: the longest their event loop was late (perf_hooks
     * monitorEventLoopDelay), a share of `slowestMs` that is this process's scheduling, not nginx.
     */
    clientLagMs: number;
    /** Share of the storm's time this process was busy (event loop utilization, 0–1): near 1, its answers queued behind its own work. */
    clientBusy: number;
  };
}
