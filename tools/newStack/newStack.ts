/**
 * A new stack's file, made from any stack file, that starts in the `pending` phase: the shipped
 * stack files say `delegated` (they plan the whole edge), and a copy of one would skip the
 * bootstrap phase a new zone needs (docs/operate/first-deploy.md). What was the source stack's own and must
 * not carry over is left out: its domain, its adopted zone, its host release, its datastores and
 * its secrets (encrypted with the source stack's key). The file's header lists every key the
 * delegated phase still needs, as the stack schema itself reports them, so the list cannot drift
 * from what `edge:dns.delegation: delegated` refuses.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { isMap, isScalar, parseDocument, type Document, YAMLMap } from "yaml";
import { configNamespace, parseStackConfig, StackConfigError } from "../../stacks/schema";

export interface NewStackOptions {
  /** The new stack's name (`staging`). */
  stack: string;
  /** Its domain, `edge:domain` (`staging.example.com`). */
  domain: string;
  /** The stack file it starts from (its text) and the path it was read from, for the header. */
  source: { path: string; text: string };
}

export interface NewStack {
  /** The new file's text. */
  text: string;
  /** Keys removed from the source: `edge:ingest.bundle`, a secret's path. */
  removed: string[];
  /** Every key the delegated phase needs, each with what the schema says of it. */
  delegatedNeeds: string[];
}

export class NewStackError extends Error {}

const key = (name: string) => `${configNamespace}:${name}`;

/** Every `secure:` leaf under `node`, removed, with its path. */
function removeSecrets(node: unknown, path: string, removed: string[]): void {
  if (!isMap(node)) return;
  for (const item of [...node.items]) {
    const name = isScalar(item.key) ? String(item.key.value) : String(item.key);
    const value = item.value;
    if (isMap(value) && value.items.length === 1 && isScalar(value.items[0]!.key) && value.items[0]!.key.value === "secure") {
      node.delete(item.key);
      removed.push(`${path}${path.endsWith(":") ? "" : "."}${name} (a secret of the source stack, encrypted with its key)`);
    } else {
      removeSecrets(value, `${path}${path.endsWith(":") ? "" : "."}${name}`, removed);
    }
  }
}

/** The new stack's file: the source's config, its own keys left out, in `pending`, with what `delegated` needs listed. */
export function newStackFile(options: NewStackOptions): NewStack {
  const doc: Document = parseDocument(options.source.text);
  if (doc.errors.length > 0) throw new NewStackError(`${options.source.path}: not YAML (${doc.errors[0]!.message})`);
  const config = doc.get("config");
  if (!isMap(config)) throw new NewStackError(`${options.source.path}: no config: section`);
  const removed: string[] = [];
  const drop = (path: string[], why: string) => {
    if (doc.hasIn(["config", ...path])) {
      doc.deleteIn(["config", ...path]);
      removed.push(`${path[0]}${path.length > 1 ? `.${path.slice(1).join(".")}` : ""} (${why})`);
    }
  };
  drop([key("dns"), "primary", "existingZoneId"], "the source stack's hosted zone");
  drop([key("ingest"), "bundle"], "the source stack's host release");
  drop([key("datastore"), "endpoints"], "the source stack's datastores: its hosts would write there");
  for (const item of config.items) removeSecrets(item.value, String(isScalar(item.key) ? item.key.value : item.key), removed);
  // A stack named dev or prod is that environment: the source's may differ.
  if (options.stack === "dev" || options.stack === "prod") doc.setIn(["config", key("environment")], options.stack);
  doc.setIn(["config", key("domain")], options.domain);
  if (!doc.hasIn(["config", key("dns")])) doc.setIn(["config", key("dns")], new YAMLMap());
  doc.setIn(["config", key("dns"), "delegation"], "pending");

  const edge = edgeKeys(doc);
  try {
    parseStackConfig(edge, options.stack);
  } catch (err) {
    if (err instanceof StackConfigError) throw new NewStackError(`the new stack's file would not plan:\n${err.problems.map((p) => `  ${p}`).join("\n")}`);
    throw err;
  }
  const delegatedNeeds = whatDelegatedNeeds(edge, options.stack);
  doc.commentBefore = [
    ` Stack ${options.stack}, made from ${options.source.path} by \`npm run new-stack\`: it starts in the pending`,
    ` phase (edge:dns.delegation: pending), which creates the delegation set and the zones only.`,
    ` Set the name servers the plan prints at the registrar (docs/operate/first-deploy.md, steps 3-6); then,`,
    ` before edge:dns.delegation: delegated, set what the delegated phase needs:`,
    ...delegatedNeeds.map((need) => `   - ${need}`),
    `   - the agent pins of tools/bundle/pins.ts, which \`npm run bundle\` needs to build the release (docs/operate/first-deploy.md, step 7)`,
    ...(removed.length > 0 ? [` Left out of the source (the source stack's own):`, ...removed.map((r) => `   - ${r}`)] : []),
  ].join("\n");
  return { text: doc.toString({ lineWidth: 0 }), removed, delegatedNeeds };
}

/** The `edge:` keys of the file, namespace removed, as the plan reads them. */
function edgeKeys(doc: Document): Record<string, unknown> {
  const config = (doc.toJS() as { config?: Record<string, unknown> }).config ?? {};
  return Object.fromEntries(Object.entries(config).flatMap(([k, v]) => (k.startsWith(`${configNamespace}:`) ? [[k.slice(configNamespace.length + 1), v]] : [])));
}

/** What the schema refuses of this config in the delegated phase: every key the delegated phase still needs. */
function whatDelegatedNeeds(edge: Record<string, unknown>, stack: string): string[] {
  const dns = (edge.dns ?? {}) as Record<string, unknown>;
  try {
    parseStackConfig({ ...edge, dns: { ...dns, delegation: "delegated" } }, stack);
    return [];
  } catch (err) {
    if (err instanceof StackConfigError) return err.problems;
    throw err;
  }
}

/**
 * The policy config a new stack starts from: its source stack's (`policies/config/<source>.json`),
 * so it takes the same waivers and bounds. Without one the pack's defaults apply and no waiver is
 * taken (a Route 53 zone is then refused until it is DNSSEC-signed). Undefined when the source
 * stack has none.
 */
export function sourcePolicyConfig(root: string, sourcePath: string): string | undefined {
  const stack = /Pulumi\.([^/\\]+)\.ya?ml$/.exec(sourcePath)?.[1];
  const path = stack === undefined ? undefined : join(root, "policies", "config", `${stack}.json`);
  return path !== undefined && existsSync(path) ? path : undefined;
}
