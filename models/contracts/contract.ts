/**
 * What a cloud API accepts for each property the program sets, and the judge that holds a
 * resource's inputs against it: ranges, lengths, character sets, enumerations, list sizes, required
 * and exclusive combinations, and the scope a value must be unique in. A create or update the API
 * would refuse is refused in the plan first (policy `enforce-api-contracts`), and a name two
 * stacks in one account would both claim is refused before the second stack deploys.
 *
 * The tables are per provider (`models/aws/contracts.ts`, `models/cloudflare/contracts.ts`); every
 * entry cites where the rule was read (`models/providerSources.ts`).
 *
 * Pure module: no Pulumi imports.
 */
import { shownValue } from "../shownValue";

/** Where a value must be unique: two resources holding it there collide, the second is refused (or overwrites the first). */
export type UniqueScope = "account" | "account and region" | "VPC" | "delegation set" | "Cloudflare account" | "zone" | "Auto Scaling group" | "world";

/** One condition on a value; a property's conditions must all hold. */
export type Accepts =
  /** A number within [min, max] (an integer when `integer`); `special` values are accepted besides. */
  | { kind: "range"; min?: number; max?: number; integer?: boolean; special?: readonly number[] }
  /** A string's length, in characters (or UTF-8 bytes). */
  | { kind: "length"; min?: number; max: number; unit?: "characters" | "bytes" }
  /** A string matching `pattern`, `text` saying what that is in words. */
  | { kind: "pattern"; pattern: RegExp; text: string }
  /** One of the listed values (strings compared case-insensitively when `caseInsensitive`). */
  | { kind: "oneOf"; values: readonly (string | number | boolean)[]; caseInsensitive?: boolean }
  /** A list of at least `min` and at most `max` elements (no upper bound without `max`). */
  | { kind: "count"; min?: number; max?: number }
  /** An IPv4 CIDR block with a prefix length within [minPrefix, maxPrefix]. */
  | { kind: "cidr"; minPrefix: number; maxPrefix: number }
  /** A tag map within the AWS tag rules (keys 1–128 characters, values up to 256, at most 50, no `aws:` prefix). */
  | { kind: "tags" }
  /** A condition no other kind expresses: `test` decides, `text` says what is accepted. */
  | { kind: "check"; test: (value: unknown) => boolean; text: string }
  /** The id or ARN of another resource (by type): known only once that resource exists, nothing to judge in a plan. */
  | { kind: "reference"; types: readonly string[] }
  /** Anything of the property's type: the API documents no further limit. */
  | { kind: "free"; text: string };

export interface PropertyContract {
  /** What the API accepts; all must hold. Empty: only `fields` say anything. */
  accepts: readonly Accepts[];
  /** Where the rule was read (`models/providerSources.ts` builders). */
  cite: string;
  /** The API's answer to a value outside `accepts` (`ValidationError`), when documented. */
  error?: string;
  /** The API refuses the resource without it. */
  required?: boolean;
  /** Top-level properties that cannot be set together with this one. */
  exclusiveWith?: readonly string[];
  /**
   * The scope the value must be unique in. `perStack`: the program names it itself, so the name
   * must carry the stack's name, or two stacks in one account collide; `false` with `why` when the
   * value is the stack's own by construction (its domain).
   */
  unique?: { scope: UniqueScope; perStack: true; collision: string } | { scope: UniqueScope; perStack: false; why: string };
  /** Contracts of the fields of an object value, or of each element's fields for a list of objects. */
  fields?: Readonly<Record<string, PropertyContract>>;
  /** The contract of each element of a list of scalars. */
  each?: PropertyContract;
}

export interface TypeContract {
  /** Every top-level property the program sets, by its Pulumi name. */
  properties: Readonly<Record<string, PropertyContract>>;
  /**
   * The property the provider names when the program does not (the bridge's AutoName: the
   * resource's name, `-` and 7 random hex characters): judged as that value.
   */
  autoName?: { property: string; cite: string };
  /**
   * Properties an existing resource may carry that the program does not set: adopting one
   * (`import`) fails when they differ from what the program declares, unless ignored.
   */
  importReads?: readonly { property: string; why: string; cite: string }[];
  /** Conditions across properties (required and exclusive combinations, orderings): each must hold. */
  typeChecks?: readonly { test: (inputs: Record<string, unknown>) => boolean; text: string; cite: string }[];
}

/** One refusal: what, where, the value, what the API accepts and who says so. */
export interface ContractFinding {
  /** The property's path (`healthCheck.interval`, `subnetMappings[0].subnetId`). */
  path: string;
  value: unknown;
  /** What the API accepts, in words. */
  accepted: string;
  cite: string;
  error?: string;
  /** One line a reviewer reads. */
  message: string;
}

/** Length of the random part the bridge's AutoName appends, after a `-` (pulumi-terraform-bridge `AutoName`: Randlen 7). */
export const autoNameSuffixLength = 8;

/** The value the bridge gives an auto-named property of a resource named `name`: its length is what the API judges. */
export function autoNamed(name: string): string {
  return `${name}-${"0".repeat(autoNameSuffixLength - 1)}`;
}

const awsTagRules = { maxTags: 50, maxKey: 128, maxValue: 256 };

/** Why `value` fails `accepts`, in words; undefined when it holds. */
function failure(accepts: Accepts, value: unknown): string | undefined {
  switch (accepts.kind) {
    case "range": {
      const n = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
      if (typeof n !== "number" || Number.isNaN(n)) return "a number";
      if (accepts.special?.includes(n)) return undefined;
      if (accepts.integer && !Number.isInteger(n)) return "a whole number";
      if ((accepts.min !== undefined && n < accepts.min) || (accepts.max !== undefined && n > accepts.max)) return rangeText(accepts);
      return undefined;
    }
    case "length": {
      if (typeof value !== "string") return undefined;
      const length = accepts.unit === "bytes" ? new TextEncoder().encode(value).length : [...value].length;
      return length < (accepts.min ?? 0) || length > accepts.max ? `${accepts.min ?? 0} to ${accepts.max} ${accepts.unit ?? "characters"} (this is ${length})` : undefined;
    }
    case "pattern":
      return typeof value === "string" && !accepts.pattern.test(value) ? accepts.text : undefined;
    case "oneOf": {
      const ok = accepts.values.some((v) => (accepts.caseInsensitive && typeof v === "string" && typeof value === "string" ? v.toLowerCase() === value.toLowerCase() : v === value));
      return ok ? undefined : `one of ${accepts.values.map((v) => JSON.stringify(v)).join(", ")}`;
    }
    case "count": {
      if (!Array.isArray(value)) return undefined;
      return value.length < (accepts.min ?? 0) || value.length > (accepts.max ?? Infinity) ? `${countText(accepts)} (this has ${value.length})` : undefined;
    }
    case "cidr": {
      if (typeof value !== "string") return undefined;
      const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(value);
      const text = `an IPv4 CIDR block from /${accepts.minPrefix} to /${accepts.maxPrefix}`;
      if (!m || m.slice(1, 5).some((o) => Number(o) > 255)) return text;
      const prefix = Number(m[5]);
      return prefix < accepts.minPrefix || prefix > accepts.maxPrefix ? text : undefined;
    }
    case "tags": {
      if (!value || typeof value !== "object") return undefined;
      const entries = Object.entries(value as Record<string, unknown>);
      const bad = entries.find(([k, v]) => k.length < 1 || k.length > awsTagRules.maxKey || k.toLowerCase().startsWith("aws:") || (typeof v === "string" && v.length > awsTagRules.maxValue));
      if (entries.length > awsTagRules.maxTags || bad) {
        return `at most ${awsTagRules.maxTags} tags, keys of 1 to ${awsTagRules.maxKey} characters not starting with "aws:", values of at most ${awsTagRules.maxValue}${bad ? ` (tag ${JSON.stringify(bad[0])})` : ""}`;
      }
      return undefined;
    }
    case "check":
      return accepts.test(value) ? undefined : accepts.text;
    case "reference":
    case "free":
      return undefined;
  }
}

function countText(c: Extract<Accepts, { kind: "count" }>): string {
  return c.max === undefined ? `at least ${c.min ?? 0} elements` : `${c.min ?? 0} to ${c.max} elements`;
}

function rangeText(r: Extract<Accepts, { kind: "range" }>): string {
  const bounds = r.min !== undefined && r.max !== undefined ? `${r.min} to ${r.max}` : r.min !== undefined ? `at least ${r.min}` : `at most ${r.max}`;
  return `${r.special?.length ? `${r.special.join(" or ")}, or ` : ""}${bounds}`;
}

/** What a property accepts, in words (every condition but references). */
export function acceptedText(contract: PropertyContract): string {
  const parts = contract.accepts.flatMap((a): string[] => {
    switch (a.kind) {
      case "range":
        return [rangeText(a)];
      case "length":
        return [`${a.min ?? 0} to ${a.max} ${a.unit ?? "characters"}`];
      case "pattern":
      case "check":
      case "free":
        return [a.text];
      case "oneOf":
        return [`one of ${a.values.map((v) => JSON.stringify(v)).join(", ")}`];
      case "count":
        return [countText(a)];
      case "cidr":
        return [`an IPv4 CIDR block from /${a.minPrefix} to /${a.maxPrefix}`];
      case "tags":
        return [`at most ${awsTagRules.maxTags} tags, keys of 1 to ${awsTagRules.maxKey} characters, values of at most ${awsTagRules.maxValue}`];
      case "reference":
        return [`the id or ARN of a ${a.types.join(" or ")}`];
    }
  });
  return parts.join("; ");
}

/** A value a plan cannot judge: unknown until deploy, or a secret. */
function unknowable(value: unknown): boolean {
  return value === undefined || value === null || value === "[secret]";
}

/** The stack's name, from a URN (`urn:pulumi:<stack>::<project>::…`). */
export function stackOfUrn(urn: string): string {
  return /^urn:pulumi:([^:]+)::/.exec(urn)?.[1] ?? "";
}

function judgeValue(path: string, contract: PropertyContract, value: unknown, found: ContractFinding[], describe: (path: string, value: unknown) => string): void {
  if (unknowable(value)) return;
  for (const accepts of contract.accepts) {
    const why = failure(accepts, value);
    if (why === undefined) continue;
    found.push({
      path,
      value,
      accepted: why,
      cite: contract.cite,
      ...(contract.error ? { error: contract.error } : {}),
      message: `${describe(path, value)} is outside what the API accepts: ${why}` + `${contract.error ? `; the API answers ${contract.error}` : ""} (${contract.cite})`,
    });
    return;
  }
  if (contract.each && Array.isArray(value)) value.forEach((element, i) => judgeValue(`${path}[${i}]`, contract.each!, element, found, describe));
  if (contract.fields) {
    const objects = Array.isArray(value) ? value.map((v, i) => [`${path}[${i}]`, v] as const) : [[path, value] as const];
    for (const [at, object] of objects) {
      if (!object || typeof object !== "object") continue;
      for (const [field, fieldContract] of Object.entries(contract.fields)) {
        const fieldValue = (object as Record<string, unknown>)[field];
        if (fieldValue === undefined && fieldContract.required) {
          found.push({ path: `${at}.${field}`, value: undefined, accepted: "a value", cite: fieldContract.cite, message: `${at}.${field} is required and not set (${fieldContract.cite})` });
          continue;
        }
        judgeValue(`${at}.${field}`, fieldContract, fieldValue, found, describe);
      }
    }
  }
}

/**
 * Every refusal the API would answer to a resource of `type` named `name` in stack `stack` with
 * these `inputs`: each property against its contract (an auto-named one as the bridge names it),
 * the required and exclusive combinations, and names two stacks in one account would both claim.
 * A value the plan cannot know (unknown until deploy, a secret) is not judged.
 */
export function judgeContract(contract: TypeContract, type: string, name: string, stack: string, inputs: Record<string, unknown>): ContractFinding[] {
  const found: ContractFinding[] = [];
  const autoNamedProperty = contract.autoName && inputs[contract.autoName.property] === undefined ? contract.autoName.property : undefined;
  const values: Record<string, unknown> = { ...inputs, ...(autoNamedProperty ? { [autoNamedProperty]: autoNamed(name) } : {}) };
  const describe = (path: string, value: unknown) =>
    path === autoNamedProperty
      ? `${type} ${name}: ${path} ${JSON.stringify(`${name}-<${autoNameSuffixLength - 1} random>`)} (auto-named from the resource's name, ${contract.autoName!.cite})`
      : `${type} ${name}: ${path} = ${shownValue(value)}`;
  for (const [property, propertyContract] of Object.entries(contract.properties)) {
    const value = values[property];
    if (value === undefined) {
      if (propertyContract.required) {
        found.push({ path: property, value, accepted: "a value", cite: propertyContract.cite, message: `${type} ${name}: ${property} is required and not set (${propertyContract.cite})` });
      }
      continue;
    }
    for (const other of propertyContract.exclusiveWith ?? []) {
      if (values[other] === undefined || property > other) continue;
      found.push({
        path: property,
        value,
        accepted: `not together with ${other}`,
        cite: propertyContract.cite,
        message: `${type} ${name}: ${property} and ${other} are both set; the API takes one of them (${propertyContract.cite})`,
      });
    }
    judgeValue(property, propertyContract, value, found, describe);
    const unique = propertyContract.unique;
    if (unique?.perStack && property !== autoNamedProperty && typeof value === "string" && stack && !value.includes(stack)) {
      const scope = unique.scope === "world" ? "across every AWS account" : `in its ${unique.scope}`;
      found.push({
        path: property,
        value,
        accepted: `a name unique ${scope}, so one carrying the stack's name (${stack})`,
        cite: propertyContract.cite,
        message:
          `${type} ${name}: ${property} = ${shownValue(value)} must be unique ${scope}, and it does not carry the stack's name (${stack}): ` +
          `a second stack of this program in the same account ${unique.collision}. Put the stack's name in it (${propertyContract.cite})`,
      });
    }
  }
  for (const check of contract.typeChecks ?? []) {
    if (Object.values(values).some((v) => v === "[secret]") || check.test(values)) continue;
    found.push({ path: "", value: undefined, accepted: check.text, cite: check.cite, message: `${type} ${name}: the API needs ${check.text} (${check.cite})` });
  }
  return found;
}

/**
 * What adopting an existing resource (`import`) would fail on: each property an existing resource
 * may carry that the program neither sets nor ignores. The engine refuses an import whose declared
 * inputs differ from what it reads (`pulumi up`: "inputs to import do not match the existing
 * resource"), and a difference in a replace-only property would replace what was adopted.
 */
export function importProblems(contract: TypeContract, type: string, name: string, inputs: Record<string, unknown>, ignoreChanges: readonly string[]): { property: string; message: string }[] {
  return (contract.importReads ?? [])
    .filter((read) => inputs[read.property] === undefined && !ignoreChanges.includes(read.property))
    .map((read) => ({
      property: read.property,
      message:
        `${type} ${name} is adopted (import), and an existing one may carry ${read.property} (${read.why}), which the program neither sets nor ignores: ` +
        `the import fails when the read value differs from the declared one ("inputs to import do not match the existing resource"). Add "${read.property}" to its ignoreChanges (${read.cite})`,
    }));
}
