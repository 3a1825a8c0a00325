/**
 * Property-level diff of two resource input values, the way `pulumi preview --diff` reads:
 * nested objects by key, arrays of objects by a natural key (name/id/...) where one exists,
 * arrays of scalars as added/removed values, user data and JSON documents (IAM policies) as
 * line diffs. Secret values never appear: `[secret]` (masked by the plan) stays masked, and a
 * property named like a secret shows only that it was added, changed or removed.
 *
 * Pure module: no Pulumi imports.
 */
import { gunzipSync } from "node:zlib";
import { isGzip } from "../../models/hostEdge";

export const secretMask = "[secret]";

/** Property names whose values are secrets even when the plan did not mark them so. */
const secretName = /(secret|password|passwd|passphrase|token|private_?key|api_?key|credential|auth_?key)/i;

/** Names of where a secret is kept (`passwordParameter`, `tokenSecretArn`), not of a secret. */
const secretReference = /(Parameter|Arn|Name|Id|Path)$/;

export function isSecretName(key: string): boolean {
  return secretName.test(key) && !secretReference.test(key);
}

/** A copy of `value` with every property named like a secret replaced by `[secret]`. */
export function maskSecretNames(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(maskSecretNames);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, isSecretName(k) && mayHoldSecret(v) ? secretMask : maskSecretNames(v)]));
  }
  return value;
}

export type LineOp = { op: " " | "+" | "-"; line: string };

export type PropertyChange =
  | { kind: "add"; path: string; after: unknown }
  | { kind: "delete"; path: string; before: unknown }
  /** `note`: why an update that reads the same on both sides is one (a secret whose ciphertext changed). */
  | { kind: "update"; path: string; before: unknown; after: unknown; note?: string }
  /** A text (user data, policy document, multi-line string) changed: its line diff. */
  | { kind: "text"; path: string; lines: LineOp[] };

/** Keys that name an element of an array of objects, in order of preference. */
const naturalKeys = ["name", "Name", "id", "Id", "key", "Key", "sid", "Sid", "type", "port", "containerPort"];

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function naturalKeyOf(before: unknown[], after: unknown[]): string | undefined {
  const all = [...before, ...after];
  if (all.length === 0 || !all.every(isPlainObject)) return undefined;
  return naturalKeys.find((k) => {
    for (const list of [before, after]) {
      const seen = new Set<string>();
      for (const el of list as Record<string, unknown>[]) {
        const v = el[k];
        if (typeof v !== "string" && typeof v !== "number") return false;
        if (seen.has(String(v))) return false;
        seen.add(String(v));
      }
    }
    return true;
  });
}

const printable = /^[\t\n\r\x20-\x7e\u00a0-\uffff]*$/;

/** Decodes base64 user data (gzip-compressed or not) when it holds printable text; else undefined. */
export function decodeBase64Text(value: string): string | undefined {
  const compact = value.replace(/\s+/g, "");
  if (compact.length < 8 || compact.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(compact)) return undefined;
  const bytes = Buffer.from(compact, "base64");
  const text = (isGzip(bytes) ? gunzipSync(bytes) : bytes).toString("utf8");
  return printable.test(text) && !text.includes("\uFFFD") ? text : undefined;
}

/** A string as the lines a reviewer should read: base64 user data decoded, JSON pretty-printed. */
export function textLines(key: string, value: string): string[] | undefined {
  if (/userdata/i.test(key)) {
    const decoded = decodeBase64Text(value);
    return (decoded ?? value).split("\n");
  }
  const trimmed = value.trim();
  if ((trimmed.startsWith("{") && trimmed.endsWith("}")) || (trimmed.startsWith("[") && trimmed.endsWith("]"))) {
    try {
      return JSON.stringify(JSON.parse(trimmed), null, 2).split("\n");
    } catch {
      /* not JSON: fall through */
    }
  }
  return value.includes("\n") ? value.split("\n") : undefined;
}

/**
 * Longest-common-subsequence line diff; beyond `limit` lines a side (the table would take
 * limit² cells), a greedy diff that resynchronizes within `lookahead` lines: still a valid diff,
 * not always the shortest.
 */
export function lineDiff(before: string[], after: string[], limit = 3000): LineOp[] {
  let start = 0;
  while (start < before.length && start < after.length && before[start] === after[start]) start++;
  let endB = before.length;
  let endA = after.length;
  while (endB > start && endA > start && before[endB - 1] === after[endA - 1]) {
    endB--;
    endA--;
  }
  const b = before.slice(start, endB);
  const a = after.slice(start, endA);
  const middle: LineOp[] = [];
  if (b.length > limit || a.length > limit) {
    middle.push(...greedyLineDiff(b, a));
  } else {
    const lcs: number[][] = Array.from({ length: b.length + 1 }, () => new Array<number>(a.length + 1).fill(0));
    for (let i = b.length - 1; i >= 0; i--) {
      for (let j = a.length - 1; j >= 0; j--) {
        lcs[i][j] = b[i] === a[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
      }
    }
    let i = 0;
    let j = 0;
    while (i < b.length || j < a.length) {
      if (i < b.length && j < a.length && b[i] === a[j]) {
        middle.push({ op: " ", line: b[i] });
        i++;
        j++;
      } else if (i < b.length && (j === a.length || lcs[i + 1][j] >= lcs[i][j + 1])) {
        middle.push({ op: "-", line: b[i++] });
      } else {
        middle.push({ op: "+", line: a[j++] });
      }
    }
  }
  return [...before.slice(0, start).map((line) => ({ op: " " as const, line })), ...middle, ...before.slice(endB).map((line) => ({ op: " " as const, line }))];
}

function greedyLineDiff(b: string[], a: string[], lookahead = 64): LineOp[] {
  const out: LineOp[] = [];
  let i = 0;
  let j = 0;
  while (i < b.length && j < a.length) {
    if (b[i] === a[j]) {
      out.push({ op: " ", line: b[i++] });
      j++;
      continue;
    }
    // The nearest pair of equal lines within the window: drop what lies before it on each side.
    let best: [number, number] | undefined;
    for (let d = 1; d <= 2 * lookahead && !best; d++) {
      for (let x = Math.max(0, d - lookahead); x <= Math.min(d, lookahead); x++) {
        const y = d - x;
        if (i + x < b.length && j + y < a.length && b[i + x] === a[j + y]) {
          best = [x, y];
          break;
        }
      }
    }
    const [x, y] = best ?? [1, 1];
    for (let k = 0; k < x; k++) out.push({ op: "-", line: b[i++] });
    for (let k = 0; k < y; k++) out.push({ op: "+", line: a[j++] });
  }
  while (i < b.length) out.push({ op: "-", line: b[i++] });
  while (j < a.length) out.push({ op: "+", line: a[j++] });
  return out;
}

function equal(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

const absent = (v: unknown) => v === undefined || v === null;

/** Booleans and numbers are flags and sizes (`accessControlAllowCredentials: true`), never secrets. */
const mayHoldSecret = (v: unknown) => typeof v === "string" || (typeof v === "object" && v !== null);

function diffPlain(before: unknown, after: unknown, path: string): PropertyChange[] {
  if (absent(before)) return absent(after) ? [] : [{ kind: "add", path, after }];
  if (absent(after)) return [{ kind: "delete", path, before }];
  return [{ kind: "update", path, before, after }];
}

/** A property named like a secret: whether it changed, never its value. */
function diffSecret(before: unknown, after: unknown, path: string): PropertyChange[] {
  if (!mayHoldSecret(before) && !mayHoldSecret(after)) return diffPlain(before, after, path);
  if (absent(before)) return absent(after) ? [] : [{ kind: "add", path, after: secretMask }];
  if (absent(after)) return [{ kind: "delete", path, before: secretMask }];
  return [{ kind: "update", path, before: secretMask, after: secretMask }];
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

/**
 * The changes from `before` to `after` (both already masked). Paths read `a.b`, `a[2]`, and
 * `listeners[port=443].protocol` for arrays of objects matched by a natural key.
 */
export function diffValues(before: unknown, after: unknown, path = "", key = ""): PropertyChange[] {
  if (equal(before, after)) return [];
  if (isSecretName(key)) return diffSecret(before, after, path);
  if (absent(before) && absent(after)) return [];
  if (absent(before) || absent(after)) return oneSided(absent(before) ? "add" : "delete", absent(before) ? after : before, path, key);
  if (isPlainObject(before) && isPlainObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((k) => diffValues(before[k], after[k], join(path, k), k));
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    const natural = naturalKeyOf(before, after);
    if (natural) {
      const index = (list: unknown[]) => new Map((list as Record<string, unknown>[]).map((el) => [String(el[natural]), el]));
      const b = index(before);
      const a = index(after);
      const ids = [...new Set([...b.keys(), ...a.keys()])];
      return ids.flatMap((id) => diffValues(b.get(id), a.get(id), `${path}[${natural}=${id}]`, key));
    }
    if ([...before, ...after].every((v) => !isPlainObject(v) && !Array.isArray(v))) {
      const b = before.map((v) => JSON.stringify(v));
      const a = after.map((v) => JSON.stringify(v));
      const removed = before.filter((_, i) => !a.includes(b[i]));
      const added = after.filter((_, i) => !b.includes(a[i]));
      if (removed.length === 0 && added.length === 0) return [{ kind: "update", path: `${path} (order)`, before: maskSecretNames(before), after: maskSecretNames(after) }];
      return [...removed.map((v) => ({ kind: "delete" as const, path: `${path}[]`, before: v })), ...added.map((v) => ({ kind: "add" as const, path: `${path}[]`, after: v }))];
    }
    const n = Math.max(before.length, after.length);
    return Array.from({ length: n }, (_, i) => diffValues(before[i], after[i], `${path}[${i}]`, key)).flat();
  }
  if (typeof before === "string" && typeof after === "string" && before !== secretMask && after !== secretMask) {
    const b = textLines(key, before);
    const a = textLines(key, after);
    if (b && a) return [{ kind: "text", path, lines: lineDiff(b, a) }];
  }
  return [{ kind: "update", path, before: maskSecretNames(before), after: maskSecretNames(after) }];
}

/**
 * A value present on one side only, spelled out leaf by leaf as `pulumi preview --diff` shows a
 * created resource: nested objects by key, arrays of objects by natural key, texts as lines.
 */
function oneSided(kind: "add" | "delete", value: unknown, path: string, key: string): PropertyChange[] {
  if (isSecretName(key)) return kind === "add" ? diffSecret(undefined, value, path) : diffSecret(value, undefined, path);
  const side = (v: unknown) => (kind === "add" ? [undefined, v] : [v, undefined]);
  if (isPlainObject(value) && Object.keys(value).length > 0) {
    return Object.keys(value)
      .sort()
      .flatMap((k) => {
        const [b, a] = side(value[k]);
        return diffValues(b, a, join(path, k), k);
      });
  }
  if (Array.isArray(value) && value.length > 0 && value.every(isPlainObject)) {
    const natural = naturalKeyOf(value, []);
    return value.flatMap((el, i) => {
      const [b, a] = side(el);
      return diffValues(b, a, natural ? `${path}[${natural}=${String((el as Record<string, unknown>)[natural])}]` : `${path}[${i}]`, key);
    });
  }
  if (typeof value === "string" && value !== secretMask) {
    const lines = textLines(key, value);
    if (lines && lines.length > 1) return [{ kind: "text", path, lines: lines.map((line) => ({ op: kind === "add" ? "+" : "-", line })) }];
  }
  return kind === "add" ? [{ kind, path, after: maskSecretNames(value) }] : [{ kind, path, before: maskSecretNames(value) }];
}

/** A value on one line, long ones shortened: `"abc"`, `300`, `{"a":1}`. */
export function formatValue(value: unknown, max = 160): string {
  if (value === secretMask) return secretMask;
  const text = JSON.stringify(value) ?? String(value);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** Lines of unchanged context a line diff keeps around each change, as `diff -u` does. */
export const hunkContext = 3;

/**
 * A line diff as unified-diff hunks: each change with `context` unchanged lines around it, under
 * a `@@ -a,b +c,d @@` header, the unchanged stretches between hunks left out.
 */
export function hunks(lines: LineOp[], context = hunkContext): string[] {
  const changed = lines.flatMap((l, i) => (l.op === " " ? [] : [i]));
  if (changed.length === 0) return [];
  const ranges: [number, number][] = [];
  for (const i of changed) {
    const from = Math.max(0, i - context);
    const to = Math.min(lines.length - 1, i + context);
    const last = ranges[ranges.length - 1];
    if (last && from <= last[1] + 1) last[1] = Math.max(last[1], to);
    else ranges.push([from, to]);
  }
  // Line numbers of each side at every index.
  const beforeAt: number[] = [];
  const afterAt: number[] = [];
  let b = 1;
  let a = 1;
  for (const l of lines) {
    beforeAt.push(b);
    afterAt.push(a);
    if (l.op !== "+") b++;
    if (l.op !== "-") a++;
  }
  return ranges.flatMap(([from, to]) => {
    const slice = lines.slice(from, to + 1);
    const beforeCount = slice.filter((l) => l.op !== "+").length;
    const afterCount = slice.filter((l) => l.op !== "-").length;
    const start = (at: number, count: number) => (count === 0 ? at - 1 : at);
    return [`@@ -${start(beforeAt[from], beforeCount)},${beforeCount} +${start(afterAt[from], afterCount)},${afterCount} @@`, ...slice.map((l) => `${l.op}${l.line}`)];
  });
}

/**
 * Two long strings shortened to where they differ: the common head and tail cut to `…`, `around`
 * characters of each kept, so a reviewer sees the changed part of a 10 KB value on one line.
 */
export function differingParts(before: string, after: string, max = 160, around = 24): [string, string] {
  if (before.length <= max && after.length <= max) return [before, after];
  let head = 0;
  while (head < before.length && head < after.length && before[head] === after[head]) head++;
  let tail = 0;
  while (tail < before.length - head && tail < after.length - head && before[before.length - 1 - tail] === after[after.length - 1 - tail]) tail++;
  const cut = (s: string) => {
    const from = Math.max(0, head - around);
    const to = Math.min(s.length, s.length - tail + around);
    const middle = s.slice(from, to);
    const lead = from > 0 ? "…" : "";
    if (middle.length > max) return `${lead}${middle.slice(0, max - 1)}…`;
    return `${lead}${middle}${to < s.length ? "…" : ""}`;
  };
  return [cut(before), cut(after)];
}
