/**
 * The shipped stacks plan each host for no more events than the ingest-path benchmark measured a
 * host can store: `edge:ingest.eventsPerHostPerSecond` at most 70% of the committed per-vCPU figure
 * (stored single beacons per CPU-second of the service and nginx together) times the instance
 * type's vCPUs. Incident 000: a fleet sized on a guess ran out of room in the first spike.
 */
import { readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { plannableEventsPerHost, readIngestResults } from "../../bench/ingestResults";
import { instanceTypeSpec } from "../../models/capacity/instanceTypes";
import { parseStackConfig } from "../../stacks/schema";
import { readStackFile } from "../../tools/plan/stackFile";

const stacksDir = path.resolve(__dirname, "../../stacks");
const stackFiles = readdirSync(stacksDir).filter((name) => /^Pulumi\..+\.yaml$/.test(name));

describe("eventsPerHostPerSecond of the shipped stacks against bench/ingest.json", () => {
  const record = readIngestResults();

  it("the committed results say when, at which commit and on which machine they were taken", () => {
    expect(Date.parse(record.date)).not.toBeNaN();
    expect(record.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(record.machine.cpus).toBeGreaterThan(0);
    expect(record.results.single.eventsPerHostCpuSecond).toBeGreaterThan(0);
  });

  it.each(stackFiles)("%s plans at most 70%% of what a host measured", (file) => {
    const config = parseStackConfig(readStackFile(path.join(stacksDir, file)).edge);
    const spec = instanceTypeSpec(config.ingest.instanceType);
    expect(spec, `${config.ingest.instanceType} is not in models/capacity/instanceTypes.ts`).toBeDefined();
    const limit = plannableEventsPerHost(record, spec!.vcpus);
    expect(
      config.ingest.eventsPerHostPerSecond,
      `${file}: edge:ingest.eventsPerHostPerSecond ${config.ingest.eventsPerHostPerSecond} is above 70% of the measured ` +
        `${record.results.single.eventsPerHostCpuSecond.toFixed(0)} events per vCPU-second x ${spec!.vcpus} vCPUs (${config.ingest.instanceType}) = ${limit.toFixed(0)} ` +
        `(bench/ingest.json, ${record.date}); lower it or measure again with npm run bench (incident 000)`,
    ).toBeLessThanOrEqual(limit);
  });
});
