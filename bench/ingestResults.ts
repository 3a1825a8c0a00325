/**
 * The committed results of the ingest-path benchmark (`bench/ingest.json`): written by
 * `npm run bench`, read by the test that holds the shipped stacks' `edge:ingest.eventsPerHostPerSecond`
 * to what a host was measured to do. One type, both sides.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { IngestPathResults } from "./ingest";

export const ingestResultsFile = join(__dirname, "ingest.json");

export interface IngestBenchRecord {
  date: string;
  commit: string;
  machine: { cpus: number; cpuModel: string; node: string; loadAverageAtStart: number[]; loadAverageAtEnd: number[] };
  /** Why the rates and latencies may be low: the machine was shared while they were taken. */
  note: string;
  results: IngestPathResults;
}

/**
 * The share of the measured capacity a stack may plan for: headroom for what the benchmark does
 * not carry (TLS at the load balancer aside, larger properties, GC pauses, the backup process).
 */
export const plannedShareOfMeasured = 0.7;

export function readIngestResults(file = ingestResultsFile): IngestBenchRecord {
  return JSON.parse(readFileSync(file, "utf8")) as IngestBenchRecord;
}

/** Events per second a host of `vcpus` may be planned for: 70% of the measured per-vCPU figure times its vCPUs. */
export function plannableEventsPerHost(record: IngestBenchRecord, vcpus: number): number {
  return plannedShareOfMeasured * record.results.single.eventsPerHostCpuSecond * vcpus;
}
