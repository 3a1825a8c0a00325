/**
 * The incident replays: for each post-mortem in ../shared/incidents/, stack files that rebuild
 * the conditions of the outage (`fixtures/<incident>-<case>.yaml`) and what the plan must answer,
 * and one corrected stack per incident that must plan clean. README.md lists the same cases with
 * the sentence each reproduces; `cases.spec.ts` checks README and table agree.
 */

export type Expectation =
  /**
   * A mandatory violation of `policy`, and of no other policy but `alsoRefusedBy` (another lesson
   * the same stack breaks); one message contains `says`, every message of `policy` names
   * `Incident <incident>` (or `names`, where the guard cites another incident), the others their own.
   */
  | { exit: 1; policy: string; says: string; names?: string; alsoRefusedBy?: string[] }
  /** The schema refuses the stack file before any resource exists; stderr holds `problem`. */
  | { exit: 2; problem: string }
  | { exit: 0 };

export interface ReplayCase {
  incident: "000" | "001" | "002" | "003";
  /** Fixture name without `.yaml`. */
  name: string;
  /** The sentence of the post-mortem it reproduces, verbatim. */
  sentence: string;
  expect: Expectation;
}

export const replayCases: ReplayCase[] = [
  {
    incident: "000",
    name: "000-one-day-ttl",
    sentence: "We could not update DNS to allow for to point to a different set of servers, since we had previously set the TTL for the DNS requests to be an entire day.",
    // A day-long TTL is also a day-long recovery from a lost region.
    expect: { exit: 1, policy: "enforce-failover-ttl", says: "has TTL 86400 s, above the 300 s limit", alsoRefusedBy: ["enforce-recovery-time"] },
  },
  {
    incident: "000",
    name: "000-proxy-memory",
    sentence: "A sudden, substantial increase in API requests resulted in both these load balancer machines simultaneously running out of memory, causing them to begin swapping to disk.",
    // 65,536 connections a worker also queue a reconnect storm nginx takes 14.7 s to accept (incident 002's lesson).
    expect: { exit: 1, policy: "enforce-proxy-memory", says: "above 80% of t3.medium's 4096 MiB", alsoRefusedBy: ["enforce-recovery-time"] },
  },
  {
    incident: "000",
    name: "000-alarms-without-recipient",
    sentence: "Furthermore, we are adding an email notification every time a value crosses a warning or critical threshold.",
    expect: { exit: 2, problem: "edge:alarms.emails: expected at least one address: an alarm nobody receives is no alarm (incident 000)" },
  },
  {
    incident: "000",
    name: "000-thresholds-fallen",
    sentence: "As we’ve grown our server count to over 200, properly setting these thresholds have fallen by the wayside.",
    expect: { exit: 1, policy: "configure-alarm-thresholds", says: "memoryUsedPercent" },
  },
  {
    incident: "000",
    name: "000-snippet-on-api",
    sentence:
      "This drastically increased the amount of time it took to service each request, and since we also use these machines to serve up the static mixpanel.js Javascript libraries, those requests began timing out as well.",
    expect: {
      exit: 2,
      problem: "edge:cdn.hostname: the snippet CDN and the ingestion endpoint share the name api: the snippet would be served by the API hosts.",
    },
  },
  { incident: "000", name: "000-corrected", sentence: "We will be moving the JS snippet off the API servers and onto a proper content delivery network.", expect: { exit: 0 } },
  {
    incident: "001",
    name: "001-past-512-bytes",
    sentence: "This increased the size of our DNS responses from below 300 bytes to above 512 bytes.",
    // The unlisted standby of the incident: its failover waits on the parent's 48 h NS TTL.
    expect: {
      exit: 1,
      policy: "enforce-response-size",
      says: "api.replay.example.com A answered by cloudflare is 570 B over UDP without EDNS, above the 512 B limit",
      alsoRefusedBy: ["enforce-recovery-time"],
    },
  },
  {
    incident: "001",
    name: "001-cname-over-the-limit",
    sentence: "The additional CNAME entry in the DNS response adds 32 bytes, pushing the response over the 512 byte limit.",
    expect: { exit: 1, policy: "enforce-response-size", says: "(through the CNAME decide-for-legacy-clients.replay.example.com) answered by cloudflare" },
  },
  {
    incident: "001",
    name: "001-volume-drop-unwatched",
    sentence: "At 9:40am Friday, our internal monitoring system revealed an anomalous, steep decline in our data ingestion volume.",
    // The schema refuses the band's levels from the threshold table's range and cites incident 000
    // (thresholds fallen by the wayside); the band's own reason in models/alarms/thresholds.ts cites 001.
    expect: {
      exit: 2,
      problem:
        "edge:alarms.thresholds.ingestAnomalyBand.warning: 25 is above the maximum 10: a level outside 0.5-10 standard deviations never fires, or always does (incident 000: thresholds fallen by the wayside)",
    },
  },
  {
    incident: "001",
    name: "001-corrected",
    sentence: "Adding automated tests for DNS response sizes, ensuring a zone push does not break legacy UDP-only clients.",
    expect: { exit: 0 },
  },
  {
    incident: "002",
    name: "002-single-region",
    sentence: "Our tracking services have previously operated out of a single region.",
    expect: { exit: 2, problem: "edge:regions: expected at least 2 regions in prod, got 1 (incident 002: tracking must run in two independent regions)" },
  },
  {
    incident: "002",
    name: "002-pool-over-limit",
    sentence: "After review of our MongoDB configurations, we deployed limits on the number of connections our services could establish to our primary MongoDB server.",
    expect: { exit: 1, policy: "enforce-datastore-budget", says: "3 max hosts × 2 processes per host × 100 pooled connections each = 600 connections, above 80% of its 500 max connections (400)" },
  },
  {
    incident: "002",
    name: "002-corrected",
    sentence: "As part of previously planned infrastructure upgrades, our tracking infrastructure now operates across two independent regions.",
    expect: { exit: 0 },
  },
  {
    incident: "003",
    name: "003-no-drain",
    sentence:
      "I forgot to add, the nice thing about this is that you can make /http-check (or whatever) 404 before you actually take the server down, so haproxy has time to run a check and mark it as down before it disappears.",
    expect: { exit: 2, problem: "edge:ingest.drainSeconds: 0 s ends before the load balancer sees the drain: 30 s" },
  },
  {
    incident: "003",
    name: "003-connect-as-long-as-read",
    sentence:
      "However, we wanted initial connection timeout to fail very quickly, but still have a long receive timeout, since a query over large amounts of data could correctly take a long amount of time.",
    expect: {
      exit: 2,
      problem: "edge:nginx.connectTimeoutSeconds: connect timeout 10s must be shorter than the read timeout 10s (incident 003: fail fast on connect, allow long reads)",
    },
  },
  {
    incident: "003",
    name: "003-corrected",
    sentence: "When the connection is initially created, failing fast results in a better user experience, avoiding long delays when a machine goes down.",
    expect: { exit: 0 },
  },
];
