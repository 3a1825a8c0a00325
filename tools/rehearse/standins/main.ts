/**
 * Runs the rehearsal's stand-ins from a config file (index.ts's schema), usually inside the
 * rehearsal's namespace:
 *
 *   ip netns exec NS node --require tsx/cjs tools/rehearse/standins/main.ts CONFIG.json
 *
 * Prints `ready` on stdout once every stand-in listens; appends each answered request to the
 * config's `requestLog` as one JSON line; reads commands from stdin, one JSON object a line
 * (`{"setLifecycleState": {"instanceId": "i-…", "state": "Terminated"}}`, `{"grant": true}`,
 * `{"hasEvent": {"table": "events", "insertId": "…"}}`), answering each with one JSON line on
 * stdout (send the next command once the last is answered); stops every stand-in and exits 0 on SIGTERM or SIGINT. Exit codes: 2 for
 * an invalid config, 1 when a stand-in cannot start.
 */
import { createWriteStream, readFileSync } from "node:fs";
import readline from "node:readline";
import { z } from "zod";
import { standInsConfigSchema, startStandIns } from "./index";
import type { RequestRecord } from "./standIn";

const commandSchema = z.union([
  z.strictObject({ setLifecycleState: z.strictObject({ instanceId: z.string(), state: z.string().min(1) }) }),
  z.strictObject({ grant: z.literal(true) }).describe("The datastore's administrator runs the service's grants now."),
  z.strictObject({ hasEvent: z.strictObject({ table: z.string(), insertId: z.string() }) }).describe("Whether the datastore holds the event; answered with found."),
]);

async function main(): Promise<void> {
  const file = process.argv[2];
  if (!file) {
    process.stderr.write("usage: node --require tsx/cjs tools/rehearse/standins/main.ts CONFIG.json\n");
    process.exit(2);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    process.stderr.write(`${file}: expected a JSON file: ${(error as Error).message}\n`);
    process.exit(2);
  }
  const parsed = standInsConfigSchema.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) process.stderr.write(`${file}: ${issue.path.join(".") || "(top)"}: ${issue.message}\n`);
    process.exit(2);
  }
  const log = parsed.data.requestLog ? createWriteStream(parsed.data.requestLog, { flags: "a" }) : undefined;
  const onRequest = (record: RequestRecord) => log?.write(`${JSON.stringify(record)}\n`);
  let standIns: Awaited<ReturnType<typeof startStandIns>>;
  try {
    standIns = await startStandIns(parsed.data, onRequest);
  } catch (error) {
    process.stderr.write(`stand-ins: ${(error as Error).message}\n`);
    log?.end();
    process.exit(1);
  }
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await standIns.stop();
    await new Promise<void>((resolve) => (log ? log.end(resolve) : resolve()));
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop());
  process.on("SIGINT", () => void stop());

  const reply = (answer: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(answer)}\n`);
  readline.createInterface({ input: process.stdin }).on("line", (line) => {
    if (!line.trim()) return;
    try {
      const command = commandSchema.parse(JSON.parse(line));
      if ("setLifecycleState" in command) {
        if (!standIns.imds) throw new Error("setLifecycleState: no instance metadata stand-in in the config");
        standIns.imds.setLifecycleState(command.setLifecycleState.instanceId, command.setLifecycleState.state);
        reply({ ok: true, command: "setLifecycleState" });
        return;
      }
      const datastore = standIns.datastore;
      if (!datastore) throw new Error(`${Object.keys(command)[0]}: no datastore in the config`);
      if ("grant" in command)
        void datastore.grant().then(
          () => reply({ ok: true, command: "grant" }),
          (error: Error) => reply({ ok: false, error: error.message }),
        );
      else
        void datastore.hasEvent(command.hasEvent.table, command.hasEvent.insertId).then(
          (found) => reply({ ok: true, command: "hasEvent", found }),
          (error: Error) => reply({ ok: false, error: error.message }),
        );
    } catch (error) {
      reply({ ok: false, error: error instanceof z.ZodError ? error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ") : (error as Error).message });
    }
  });
  process.stdout.write("ready\n");
}

void main();
