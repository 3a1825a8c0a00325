/**
 * pr-check's machine-readable outputs: `--json` (every stack's diff) and `--sarif` (SARIF 2.1.0,
 * for GitHub code scanning: the complete channel, since the Actions log shows at most 10 error
 * annotations a step). Each violation of the head's plans is located at the line of the stack file
 * that holds the config key its message names (`edge:dns.ttl` → the `ttl:` under `edge:dns:`), or
 * at the policy's own source when it names no key.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { isMap, LineCounter, parseDocument, Scalar, YAMLMap } from "yaml";
import type { PlanJsonViolation } from "../plan/planJson";
import type { StackReport } from "./report";

export const sarifSchema = "https://json.schemastore.org/sarif-2.1.0.json";

export interface SourceLocation {
  /** Repository-relative path, `/`-separated. */
  uri: string;
  /** 1-based. */
  line: number;
}

/** The first `edge:` config key a message names, e.g. `edge:dns.ttl`. */
export function configKeyIn(message: string): string | undefined {
  return /\bedge:[A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)*/.exec(message)?.[0];
}

/**
 * The line of `key` (`edge:dns.ttl`: config key `edge:dns`, path `ttl`) in a stack file's text:
 * the deepest part of the path the file declares; undefined when it does not declare the key.
 */
export function lineOfConfigKey(text: string, key: string): number | undefined {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter });
  const config = doc.get("config", true);
  if (!isMap(config)) return undefined;
  const [, top, path] = /^([^:]+:[^.]+)(?:\.(.*))?$/.exec(key) ?? [];
  if (!top) return undefined;
  const parts = [top, ...(path ? path.split(".") : [])];
  let map: YAMLMap = config;
  let line: number | undefined;
  for (const part of parts) {
    const pair = map.items.find((p) => (p.key as Scalar | undefined)?.value === part);
    if (!pair) break;
    const range = (pair.key as Scalar).range;
    if (range) line = counter.linePos(range[0]).line;
    if (!isMap(pair.value)) break;
    map = pair.value;
  }
  return line;
}

/** `enforce-failover-ttl` → `policies/dns/enforceFailoverTtl.ts`, at the line of its `name:`. */
export function policySource(root: string, policyName: string): SourceLocation | undefined {
  const file = policyName.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase()) + ".ts";
  const dir = join(root, "policies");
  if (!existsSync(dir)) return undefined;
  for (const sub of readdirSync(dir, { withFileTypes: true })) {
    if (!sub.isDirectory() || sub.name === "node_modules") continue;
    const path = join(dir, sub.name, file);
    if (!existsSync(path)) continue;
    const lines = readFileSync(path, "utf8").split("\n");
    const at = lines.findIndex((l) => l.includes(`name: "${policyName}"`));
    return { uri: relative(root, path).split("\\").join("/"), line: at >= 0 ? at + 1 : 1 };
  }
  return undefined;
}

/** Where a violation of `stack` points: its config key's line in the stack file, else the policy's source, else the stack file. */
export function locate(root: string, stack: string, v: PlanJsonViolation): SourceLocation {
  const stackFile = `stacks/Pulumi.${stack}.yaml`;
  const key = configKeyIn(v.message);
  const path = join(root, stackFile);
  if (key && existsSync(path)) {
    const line = lineOfConfigKey(readFileSync(path, "utf8"), key);
    if (line) return { uri: stackFile, line };
  }
  return policySource(root, v.policyName) ?? { uri: stackFile, line: 1 };
}

const level = (enforcement: string) => (enforcement === "mandatory" ? "error" : enforcement === "advisory" ? "warning" : "note");

/** SARIF 2.1.0 of every violation in the head's plans; one rule per policy of the pack. */
export function toSarif(root: string, stacks: StackReport[]) {
  const policies = new Map<string, { name: string; description: string; enforcementLevel: string }>();
  for (const s of stacks) for (const p of s.head?.json?.policyPack?.policies ?? []) policies.set(p.name, p);
  const results = stacks.flatMap((s) =>
    (s.head?.json?.violations ?? []).map((v) => {
      const at = locate(root, s.stack, v);
      if (!policies.has(v.policyName)) policies.set(v.policyName, { name: v.policyName, description: v.policyName, enforcementLevel: v.enforcementLevel });
      return {
        ruleId: v.policyName,
        level: level(v.enforcementLevel),
        message: { text: `[${s.stack}] ${v.message}` },
        locations: [{ physicalLocation: { artifactLocation: { uri: at.uri }, region: { startLine: at.line } } }],
        // Code scanning tracks an alert across commits by this: the stack, the resource and the subject, not the numbers.
        partialFingerprints: { edgeFinding: `${s.stack}|${v.policyName}|${v.urn}|${v.subject ?? ""}` },
        properties: { stack: s.stack, urn: v.urn, subject: v.subject ?? "" },
      };
    }),
  );
  const rules = [...policies.values()]
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((p) => ({ id: p.name, shortDescription: { text: p.description }, defaultConfiguration: { level: level(p.enforcementLevel) } }));
  return {
    $schema: sarifSchema,
    version: "2.1.0",
    runs: [{ tool: { driver: { name: "edge-pr-check", informationUri: "https://www.pulumi.com/docs/using-pulumi/crossguard/", rules } }, results }],
  };
}

/** GitHub's workflow-command text: `%`, CR and LF escaped (`,` and `:` too in properties). */
const escapeData = (s: string) => s.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
const escapeProperty = (s: string) => escapeData(s).replace(/:/g, "%3A").replace(/,/g, "%2C");

/**
 * `::error`/`::warning` workflow commands for the `max` most severe results (errors first): GitHub
 * shows at most 10 of each a step, so the rest are left to the SARIF upload.
 */
export function annotations(sarif: ReturnType<typeof toSarif>, max: number): string[] {
  const rank: Record<string, number> = { error: 0, warning: 1, note: 2 };
  return [...sarif.runs[0]!.results]
    .sort((a, b) => rank[a.level]! - rank[b.level]!)
    .slice(0, max)
    .map((r) => {
      const at = r.locations[0]!.physicalLocation;
      const command = r.level === "error" ? "error" : r.level === "warning" ? "warning" : "notice";
      return `::${command} file=${escapeProperty(at.artifactLocation.uri)},line=${at.region.startLine},title=${escapeProperty(r.ruleId)}::${escapeData(r.message.text)}`;
    });
}

/** `--json`: each stack's plan exit codes and diff. */
export function toJson(result: { baseRef: string; baseCommit: string; headCommit: string; stacks: StackReport[] }) {
  return {
    baseRef: result.baseRef,
    baseCommit: result.baseCommit,
    headCommit: result.headCommit,
    stacks: result.stacks.map((s) => ({ stack: s.stack, baseExit: s.base?.code ?? null, headExit: s.head?.code ?? null, diff: s.diff ?? null })),
  };
}
