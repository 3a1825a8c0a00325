/**
 * How a refusal shows the value it was given: numbers as written in a stack file (`1e308`, not
 * `1e+308`), long strings cut, other kinds by name. Config messages and the models' own checks
 * (TTLs, record values) share it, so a value reads the same in every message.
 *
 * Pure module: no imports.
 */

/** A given value as a message shows it: numbers as written (`1e308`), strings quoted and cut short. */
export function shownValue(value: unknown): string {
  if (typeof value === "number") return String(value).replace("e+", "e");
  if (typeof value === "string") return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  return kindOf(value);
}

/** The kind of a value a message names when the value itself says nothing (`a list`, `null`). */
export function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  if (typeof value === "number") return "a number";
  return `a ${typeof value}`;
}
