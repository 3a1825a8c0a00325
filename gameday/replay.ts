/**
 * The spool of every host of the edge twin, watched while the datastore is away (incident 003: the
 * service spools what it cannot commit and replays it once a primary is writable): the events
 * waiting in every process's spool, sampled every 100 ms, and the time from the datastore's
 * return until none is left, which is what the results report as the replay time.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { ScenarioFindings } from "./scenarios";
import type { Twin } from "./twin";

/** Events waiting in one spool directory: the rows of every complete line of its segments. */
export function spooledEvents(dir: string): number {
  let events = 0;
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => /^\d{12}\.spool$/.test(n));
  } catch {
    return 0;
  }
  for (const name of names) {
    let text: string;
    try {
      text = readFileSync(path.join(dir, name), "utf8");
    } catch {
      continue; // replayed and deleted while we looked
    }
    for (const line of text.split("\n")) {
      try {
        events += (JSON.parse(line) as { rows: unknown[] }).rows.length;
      } catch {
        // the empty tail, or a line still being written
      }
    }
  }
  return events;
}

const sampleMs = 100;

/** Events waiting in the spools of every host of the twin. */
export function twinSpooledEvents(twin: Twin): number {
  return twin.hosts.reduce((sum, host) => host.spoolDirs.reduce((n, dir) => n + spooledEvents(dir), sum), 0);
}

/** Starts sampling every host's spools; `replayed` is called once the datastore is back. */
export function watchSpools(twin: Twin): { replayed(backAt: number, timeoutMs: number): Promise<ScenarioFindings> } {
  const waiting = () => twinSpooledEvents(twin);
  let peak = 0;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      peak = Math.max(peak, waiting());
      await new Promise((r) => setTimeout(r, sampleMs));
    }
  })();
  return {
    async replayed(backAt, timeoutMs) {
      const atReturn = waiting();
      let emptyAt: number | undefined;
      while (Date.now() < backAt + timeoutMs) {
        if (waiting() === 0) {
          emptyAt = Date.now();
          break;
        }
        await new Promise((r) => setTimeout(r, sampleMs));
      }
      sampling = false;
      await sampler;
      const problems: string[] = [];
      if (peak === 0) problems.push("nothing was spooled: no host saw the datastore go away");
      if (emptyAt === undefined) problems.push(`the spools still hold ${waiting()} events ${timeoutMs / 1000} s after the datastore's return`);
      const figures: Record<string, number> = { spooledEventsPeak: peak, spooledEventsAtReturn: atReturn };
      if (emptyAt !== undefined) figures.replaySeconds = Math.round((emptyAt - backAt) / 100) / 10;
      return { figures, problems };
    },
  };
}
