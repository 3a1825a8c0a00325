/**
 * Reads a stack file in the `stacks/Pulumi.<stack>.yaml` format, as the Pulumi CLI would, for the
 * offline plan: every `config:` key in Pulumi's stored form (structured values as JSON), which of
 * them are secrets, and the `edge:` keys parsed for the schema.
 */
import { readFileSync } from "node:fs";
import { parseDocument } from "yaml";
import { configNamespace } from "../../stacks/schema";

export interface StackFile {
  path: string;
  /** Full keys (`edge:regions`, `aws:region`) to their values as Pulumi stores them. */
  config: Record<string, string>;
  secretKeys: string[];
  /** The `edge:` keys, namespace removed, values as YAML gave them. */
  edge: Record<string, unknown>;
}

/** A stack file that cannot be read; the message names the file and the place. */
export class StackFileError extends Error {}

/** Top-level keys the Pulumi CLI accepts in a stack file. */
const stackFileKeys = new Set(["config", "secretsprovider", "encryptedkey", "encryptionsalt", "environment"]);

/** Offline, secrets cannot be decrypted: the program sees this in their place. */
export const offlineSecretPlaceholder = "[secret]";

function isSecure(value: unknown): value is { secure: string } {
  return typeof value === "object" && value !== null && Object.keys(value).length === 1 && "secure" in value;
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
  const top: unknown = doc.toJS();
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

  const out: StackFile = { path, config: {}, secretKeys: [], edge: {} };
  for (const [key, value] of Object.entries(config as Record<string, unknown>)) {
    if (!/^[A-Za-z0-9_-]+:[A-Za-z0-9_.-]+$/.test(key)) {
      problems.push(`${path}: config.${key}: config keys are namespace:key, e.g. ${configNamespace}:domain`);
      continue;
    }
    const secure = isSecure(value);
    if (secure) out.secretKeys.push(key);
    const stored = secure ? offlineSecretPlaceholder : value;
    out.config[key] = typeof stored === "string" ? stored : JSON.stringify(stored);
    if (key.startsWith(`${configNamespace}:`)) out.edge[key.slice(configNamespace.length + 1)] = stored;
  }
  if (problems.length > 0) throw new StackFileError(problems.join("\n"));
  return out;
}
