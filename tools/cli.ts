/**
 * What the project's commands (`plan`, `zonefile`, `diff`, `pr-check`) share: `node:util` parseArgs
 * with the usage line on a bad argument (exit 2) and on `--help` (exit 0), stack-name checks, and
 * the exit-2 report of a plan that could not be made.
 */
import { parseArgs, ParseArgsConfig } from "node:util";
import { StackConfigError } from "../stacks/schema";
import { StackFileError } from "./plan/stackFile";

type Options = NonNullable<ParseArgsConfig["options"]>;

export type Parsed<O extends Options> = ReturnType<typeof parseArgs<{ options: O; allowPositionals: true; strict: true }>>;

/**
 * The parsed arguments, or the exit code when the command should stop here. Positional arguments
 * are refused unless `allowPositionals`; a `--stack` value must be a stack name.
 */
export function parseCommandLine<O extends Options>(
  argv: string[],
  options: O,
  usage: string,
  { allowPositionals = false } = {},
): Parsed<O> | number {
  let parsed: Parsed<O>;
  try {
    parsed = parseArgs({ args: argv, options: { ...options, help: { type: "boolean", short: "h" } } as O, allowPositionals, strict: true }) as Parsed<O>;
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${usage}\n`);
    return 2;
  }
  if ((parsed.values as { help?: boolean }).help) {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  const stack = (parsed.values as Record<string, unknown>).stack;
  if (typeof stack === "string" && !/^[A-Za-z0-9_.-]+$/.test(stack)) {
    process.stderr.write(`--stack: '${stack}' is not a stack name (letters, digits, '-', '_', '.')\n`);
    return 2;
  }
  return parsed;
}

/** `--fail-on`: only `unsafe` is known. False (after saying why) for any other value. */
export function checkFailOn(value: string | undefined): boolean {
  if (value === undefined || value === "unsafe") return true;
  process.stderr.write(`--fail-on: '${value}' is not 'unsafe'\n`);
  return false;
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
