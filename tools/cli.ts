/** What the command-line tools (`npm run plan`, `npm run zonefile`) share: argument parsing and the stack/config error exit. */
import { parseArgs, ParseArgsConfig } from "node:util";
import { StackConfigError } from "../stacks/schema";
import { StackFileError } from "./plan/stackFile";

type Options = NonNullable<ParseArgsConfig["options"]>;

/**
 * Parses `argv` strictly with `--stack` (a valid stack name) and `-h/--help`. Returns the values, or
 * the exit code after printing usage (0 for help, 2 for a bad argument).
 */
export function parseCommandLine<O extends Options>(argv: string[], options: O, usage: string) {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: { ...options, help: { type: "boolean", short: "h" } }, strict: true, allowPositionals: false });
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${usage}\n`);
    return 2;
  }
  const values = parsed.values as ReturnType<typeof parseArgs<{ options: O; strict: true }>>["values"] & { help?: boolean };
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  const stack = (values as Record<string, unknown>).stack;
  if (typeof stack === "string" && !/^[A-Za-z0-9_.-]+$/.test(stack)) {
    process.stderr.write(`--stack: '${stack}' is not a stack name (letters, digits, '-', '_', '.')\n`);
    return 2;
  }
  return values;
}

/** A Pulumi RunError (a config error raised inside the program) carries this marker. */
function isRunError(err: unknown): boolean {
  return typeof err === "object" && err !== null && (err as { __pulumiRunError?: boolean }).__pulumiRunError === true;
}

/** Reports a failure of making the plan (bad stack file or config: its message alone) and returns exit code 2. */
export function reportPlanFailure(err: unknown, what: string): number {
  if (err instanceof StackFileError || err instanceof StackConfigError || isRunError(err)) {
    process.stderr.write(`${(err as Error).message}\n`);
  } else {
    process.stderr.write(`${what} could not be made: ${(err as Error)?.message ?? err}\n`);
  }
  return 2;
}
