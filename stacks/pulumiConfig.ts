/**
 * Reads the `edge:` keys of the current stack from Pulumi config and validates them with the one
 * stack schema. A bad config ends the program with every problem listed, never a stack trace.
 */
import * as pulumi from "@pulumi/pulumi";
import { configNamespace, parseStackConfig, StackConfig, StackConfigError } from "./schema";

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
