/**
 * Command-line parsing shared by the project's commands: `node:util` parseArgs, the usage line on
 * a bad argument (exit 2) and on `--help` (exit 0).
 */
import { parseArgs, ParseArgsConfig } from "node:util";

type Options = NonNullable<ParseArgsConfig["options"]>;

export type Parsed<O extends Options> = ReturnType<typeof parseArgs<{ options: O; allowPositionals: true; strict: true }>>;

/** The parsed arguments, or the exit code when the command should stop here. */
export function parseCommandLine<O extends Options>(argv: string[], options: O, usage: string): Parsed<O> | number {
  let parsed: Parsed<O>;
  try {
    parsed = parseArgs({ args: argv, options: { ...options, help: { type: "boolean", short: "h" } } as O, allowPositionals: true, strict: true });
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${usage}\n`);
    return 2;
  }
  if ((parsed.values as { help?: boolean }).help) {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  return parsed;
}

/** `--fail-on`: only `unsafe` is known. False (after saying why) for any other value. */
export function checkFailOn(value: string | undefined): boolean {
  if (value === undefined || value === "unsafe") return true;
  process.stderr.write(`--fail-on: '${value}' is not 'unsafe'\n`);
  return false;
}
