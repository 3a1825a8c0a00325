/**
 * Reads a stack file in the `stacks/Pulumi.<stack>.yaml` format, as the Pulumi CLI would, for the
 * offline plan: every `config:` key in Pulumi's stored form (structured values as JSON), which of
 * them are secrets, and the `edge:` keys parsed for the schema.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { parseDocument } from "yaml";
import { configNamespace } from "../../stacks/schema";
import { isSecretName } from "../diff/values";

export interface StackFile {
  path: string;
  /** Full keys (`edge:regions`, `aws:region`) to their values as Pulumi stores them. */
  config: Record<string, string>;
  secretKeys: string[];
  /** The `edge:` keys, namespace removed, values as YAML gave them. */
  edge: Record<string, unknown>;
  /** Each `secure:` leaf (`namespace:key.path`) to a digest of its ciphertext: a rotated secret changes it, the plaintext never shows. */
  secretDigests: Record<string, string>;
  /** Leaves given in plain text where a secret belongs (a secret-taking key, or one named like a secret). */
  plaintextSecrets: string[];
}

/** An input file of the plan (a stack file, a policy config) that cannot be used; the message names the file and the place. */
export class StackFileError extends Error {}

/** Top-level keys the Pulumi CLI accepts in a stack file. */
const stackFileKeys = new Set(["config", "secretsprovider", "encryptedkey", "encryptionsalt", "environment"]);

/** Offline, secrets cannot be decrypted: the program sees this in their place. */
export const offlineSecretPlaceholder = "[secret]";

/**
 * Stand-ins for secrets the schema checks the shape of, by `namespace:key.path`: offline the plan
 * cannot decrypt them, so the program sees a value of the right shape that is plainly not the
 * secret (`.invalid` never resolves, RFC 2606). Every other secret reads as `[secret]`.
 */
export const offlineSecretStandIns: Readonly<Record<string, string>> = {
  "edge:alarms.webhookUrl": "https://webhook.offline-plan.invalid/secret",
};

function isSecure(value: unknown): value is { secure: string } {
  return typeof value === "object" && value !== null && Object.keys(value).length === 1 && "secure" in value;
}

/**
 * The value with every `secure:` leaf replaced by its stand-in, and whether it held one. Pulumi
 * stores `pulumi config set --secret --path edge:alarms.webhookUrl` as such a nested leaf and then
 * treats the whole key as a secret.
 */
function replaceSecureLeaves(value: unknown, path: string): { value: unknown; secret: boolean } {
  if (isSecure(value)) return { value: offlineSecretStandIns[path] ?? offlineSecretPlaceholder, secret: true };
  if (Array.isArray(value)) {
    const items = value.map((item, i) => replaceSecureLeaves(item, `${path}[${i}]`));
    return { value: items.map((i) => i.value), secret: items.some((i) => i.secret) };
  }
  if (value && typeof value === "object") {
    const entries = Object.entries(value).map(([k, v]) => [k, replaceSecureLeaves(v, `${path}.${k}`)] as const);
    return { value: Object.fromEntries(entries.map(([k, r]) => [k, r.value])), secret: entries.some(([, r]) => r.secret) };
  }
  return { value, secret: false };
}

/** Where a secret belongs: the keys the schema takes as secrets, and any key named like one. */
function takesSecret(path: string): boolean {
  return (
    path in offlineSecretStandIns ||
    isSecretName(
      path
        .split(/[.:[\]]/)
        .filter(Boolean)
        .pop() ?? "",
    )
  );
}

/** The ciphertext digests of `value`'s `secure:` leaves, and its plain-text leaves where a secret belongs. */
function secretLeaves(value: unknown, path: string, out: Pick<StackFile, "secretDigests" | "plaintextSecrets">): void {
  if (isSecure(value)) out.secretDigests[path] = createHash("sha256").update(String(value.secure)).digest("hex").slice(0, 16);
  else if (Array.isArray(value)) value.forEach((item, i) => secretLeaves(item, `${path}[${i}]`, out));
  else if (value && typeof value === "object") for (const [k, v] of Object.entries(value)) secretLeaves(v, `${path}.${k}`, out);
  else if (typeof value === "string" && value !== "" && takesSecret(path)) out.plaintextSecrets.push(path);
}

export function readStackFile(path: string): StackFile {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new StackFileError(`${path}: cannot read the stack file (${(err as NodeJS.ErrnoException).code ?? err})`);
  }
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new StackFileError(doc.errors.map((e) => `${path}: invalid YAML: ${e.message.split("\n")[0]}`).join("\n"));
  }
  let top: unknown;
  try {
    top = doc.toJS();
  } catch (err) {
    throw new StackFileError(`${path}: invalid YAML: ${(err as Error).message}`); // e.g. an alias bomb
  }
  if (top === null || top === undefined) throw new StackFileError(`${path}: the stack file is empty; it needs a config: section`);
  if (typeof top !== "object" || Array.isArray(top)) throw new StackFileError(`${path}: expected a mapping with a config: section`);
  const problems: string[] = [];
  for (const key of Object.keys(top)) {
    if (!stackFileKeys.has(key)) problems.push(`${path}: ${key}: unknown top-level key; a stack file holds ${[...stackFileKeys].join(", ")}`);
  }
  const config = (top as Record<string, unknown>).config ?? {};
  if (typeof config !== "object" || config === null || Array.isArray(config)) {
    problems.push(`${path}: config: expected a mapping of namespace:key to value`);
  }
  if (problems.length > 0) throw new StackFileError(problems.join("\n"));

  const out: StackFile = { path, config: {}, secretKeys: [], edge: {}, secretDigests: {}, plaintextSecrets: [] };
  for (const [key, value] of Object.entries(config as Record<string, unknown>)) {
    if (!/^[A-Za-z0-9_-]+:[A-Za-z0-9_.-]+$/.test(key)) {
      problems.push(`${path}: config.${key}: config keys are namespace:key, e.g. ${configNamespace}:domain`);
      continue;
    }
    secretLeaves(value, key, out);
    const { value: stored, secret } = replaceSecureLeaves(value, key);
    if (secret) out.secretKeys.push(key);
    out.config[key] = typeof stored === "string" ? stored : JSON.stringify(stored);
    if (key.startsWith(`${configNamespace}:`)) out.edge[key.slice(configNamespace.length + 1)] = stored;
  }
  if (problems.length > 0) throw new StackFileError(problems.join("\n"));
  return out;
}

/**
 * Problems of the schema with a hint where they concern a key the stack file gives as a secret:
 * the plan saw `[secret]` there, not the value, so "expected a DNS name" would mislead.
 */
export function explainSecretProblems(problems: string[], secretKeys: string[]): string[] {
  return problems.map((problem) => {
    const key = secretKeys.find((k) => problem.startsWith(`${k}:`) || problem.startsWith(`${k}.`) || problem.startsWith(`${k}[`));
    if (!key) return problem;
    return (
      `${problem} (${key} is a secret in the stack file: the offline plan cannot decrypt it and sees ${offlineSecretPlaceholder}; ` +
      `keep this key in plain text, only ${Object.keys(offlineSecretStandIns).join(", ")} may be secret)`
    );
  });
}
