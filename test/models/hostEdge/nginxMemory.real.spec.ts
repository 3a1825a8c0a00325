/**
 * The nginx memory model (models/hostEdge/memory.ts) against Debian's real nginx under hostile
 * clients at the limits of a rendered config: for each connection state the model prices, the
 * clients fill the config's limit with it, then the worst mix (bench/fidelity/nginx.ts runs the
 * same cases at the prod stack's scale). nginx runs in a network namespace of its own with the
 * hosts' sysctls. The model must never be below what was measured: nginx's processes (sum of
 * VmRSS), its sockets' buffers (`ss -m`), and both with the sockets' structures (incident 000).
 * Needs root (a network namespace) and nginx: without them it fails, never skips.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { clientLimits, clientTimeoutSeconds, memoryCases, memoryRows, memoryTable, MemoryRow, reducedConfig } from "../../../bench/fidelity/nginx";
import { measureNginxMemory } from "../../../harness/nginxMemoryRun";

describe("the nginx memory model against a real nginx at the config's limits", () => {
  it("is never below what nginx holds in any state the model prices, nor in the worst mix", async () => {
    const config = reducedConfig(join(__dirname, "..", "..", ".."));
    const cases = memoryCases(config.settings, config.workers);
    const measured = await measureNginxMemory(
      { settings: config.settings, workers: config.workers, limits: clientLimits(config.settings), sources: 40, cases, deadlineMs: 60_000, clientTimeoutSeconds },
      cases.length * 90_000,
    );
    const rows: MemoryRow[] = memoryRows(config.name, config.settings, measured);
    console.log(memoryTable(rows).join("\n"));
    expect(rows.map((r) => r.state)).toEqual(cases.map((c) => c.name));
    for (const row of rows) {
      // Each state was reached: nginx holds connections in it.
      expect(
        Object.values(row.load).reduce((a, b) => a + (b ?? 0), 0),
        row.state,
      ).toBeGreaterThan(0);
      for (const part of ["processes", "buffers", "total"] as const) {
        expect(row.predicted[part], `${row.state}: ${part}`).toBeGreaterThanOrEqual(row.measured[part]);
      }
    }
    // The states the rows exist for were really reached: 413s answered, a full accept queue, requests held at limit_conn.
    const row = (prefix: string) => rows.find((r) => r.state.startsWith(prefix))!;
    expect(row("answered 413").answers["413"]).toBeGreaterThan(0);
    expect(row("accept queue").load.queued).toBeGreaterThan(0.9 * cases.find((c) => c.queued && c.loads.length === 0)!.queued!);
    expect(row("proxied at limit_conn").load.busy).toBe(Math.floor((512 / 2) * 0.9));
  }, 900_000);
});
