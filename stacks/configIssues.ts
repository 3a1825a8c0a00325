/**
 * How a stack configuration's problems are worded: `edge:<path>: <message>`, every one at once, in
 * the user's terms rather than zod's.
 *
 * Pure module: no Pulumi imports.
 */
import { z } from "zod";
import { kindOf, shownValue } from "../models/shownValue";

/** The Pulumi config namespace of this project (`edge:<key>` in stack files). */
export const configNamespace = "edge";

/** Every problem of a config at once, each as `edge:<path>: <message>`. */
export class StackConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid stack configuration:\n${problems.map((p) => `  ${p}`).join("\n")}`);
    this.name = "StackConfigError";
  }
}

/** `edge:ingest.service.port`, `edge:regions[1]`, `edge:["a key"]` */
export function configPath(path: readonly PropertyKey[]): string {
  let out = configNamespace + ":";
  path.forEach((segment, i) => {
    if (typeof segment === "number") out += `[${segment}]`;
    else if (!/^[A-Za-z0-9_-]+$/.test(String(segment)))
      out += `[${JSON.stringify(String(segment))}]`; // blank, unicode or control characters stay visible on one line
    else out += (i === 0 ? "" : ".") + String(segment);
  });
  return out;
}

const expectedKinds: Record<string, string> = {
  number: "a number",
  int: "a whole number",
  string: "a string",
  boolean: "true or false",
  array: "a list",
  object: "a mapping",
  record: "a mapping",
};

/** What zod says on its own; a message the schema wrote itself is kept as the reason. */
const zodDefaultMessage = /^(Too big|Too small|Invalid input):/;

export function describeIssue(issue: z.core.$ZodIssue): string[] {
  const at = configPath(issue.path);
  if (issue.code === "unrecognized_keys") {
    return issue.keys.map((key) => `${configPath([...issue.path, key])}: unknown key; remove it or check its spelling against docs/reference/config.md`);
  }
  const reason = zodDefaultMessage.test(issue.message) ? "" : `: ${issue.message}`;
  if (issue.code === "invalid_type") {
    // zod names NaN and ±Infinity in `received` and leaves `input` empty.
    const received = (issue as { received?: unknown }).received;
    if (issue.input === undefined && received === undefined) return [`${at}: required, but not set`];
    const got =
      typeof received === "string"
        ? received
        : typeof issue.input === "string"
          ? `a string (${shownValue(issue.input)})`
          : issue.expected === "int" && typeof issue.input === "number"
            ? shownValue(issue.input)
            : kindOf(issue.input);
    return [`${at}: expected ${expectedKinds[issue.expected] ?? issue.expected}, got ${got}${reason}`];
  }
  if ((issue.code === "too_big" || issue.code === "too_small") && (issue.origin === "number" || issue.origin === "int") && typeof issue.input === "number") {
    const value = shownValue(issue.input);
    const limit = Number(issue.code === "too_big" ? issue.maximum : issue.minimum).toLocaleString("en-US");
    const words =
      issue.code === "too_big"
        ? issue.inclusive
          ? `${value} is above the maximum ${limit}`
          : `${value} is not below ${limit}`
        : issue.inclusive
          ? `${value} is below the minimum ${limit}`
          : `${value} is not above ${limit}`;
    return [`${at}: ${words}${reason}`];
  }
  return [`${at}: ${issue.message}`];
}

/**
 * zod's `int()` adds its own ±2^53 range: where the field's documented maximum also refuses the
 * value, only that one is reported.
 */
export function withoutSafeIntegerRange(issues: z.core.$ZodIssue[]): z.core.$ZodIssue[] {
  const isSafeRange = (issue: z.core.$ZodIssue) =>
    (issue.code === "too_big" || issue.code === "too_small") && issue.origin === "int" && Math.abs(Number(issue.code === "too_big" ? issue.maximum : issue.minimum)) === Number.MAX_SAFE_INTEGER;
  const key = (issue: z.core.$ZodIssue) => JSON.stringify(issue.path.map(String));
  return issues.filter((issue) => !isSafeRange(issue) || !issues.some((other) => other !== issue && !isSafeRange(other) && key(other) === key(issue)));
}
