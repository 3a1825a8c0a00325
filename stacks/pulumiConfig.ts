/**
 * Reads the `edge:` keys of the current stack from Pulumi config and validates them with the one
 * stack schema. A bad config ends the program with every problem listed, never a stack trace.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { configNamespace, configPath, parseStackConfig, StackConfig, StackConfigError } from "./schema";

/** Pulumi keeps structured config as JSON text; plain strings stay strings. */
function decodeConfigValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export function readStackConfig(): StackConfig {
  const prefix = `${configNamespace}:`;
  const raw: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(pulumi.runtime.allConfig())) {
    if (key.startsWith(prefix)) raw[key.slice(prefix.length)] = decodeConfigValue(value);
  }
  try {
    return parseStackConfig(raw, pulumi.getStack());
  } catch (err) {
    if (err instanceof StackConfigError) throw new pulumi.RunError(err.message);
    throw err;
  }
}

/**
 * A project file a config key names (`edge:cdn.snippetFile`), read as UTF-8. A file that cannot be
 * read is the config's problem: it ends the program as a config error naming the key and the path.
 */
export function readConfiguredFile(key: readonly string[], relativePath: string): string {
  const path = join(__dirname, "..", relativePath);
  try {
    return readFileSync(path, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    throw new pulumi.RunError(`${configPath(key)}: cannot read ${JSON.stringify(relativePath)} (${code}); give a file's path relative to the project`);
  }
}
