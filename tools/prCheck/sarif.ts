/**
 * pr-check's machine-readable outputs: `--json` (every stack's diff, and what merging needs) and
 * `--sarif` (SARIF 2.1.0, for GitHub code scanning: the complete channel, since the Actions log
 * shows at most 10 error annotations a step). It carries every finding of the head's plans, every
 * risky change (a refused one as an error), plain-text secrets, and stacks the head breaks. Each is
 * located at the line of the stack file that holds the config key that fixes it (`fixKey`:
 * `edge:dns.ttl` → the `ttl:` under `edge:dns:`), or at the policy's own source when it names none.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { isMap, LineCounter, parseDocument, Scalar, YAMLMap } from "yaml";
import { fixKey } from "../diff/fixKey";
import { refusedRiskKinds, Risk } from "../diff/planDiff";
import type { PlanJsonViolation } from "../plan/planJson";
import type { StackReport } from "./report";
import type { MergeVerdict } from "./verdict";

export const sarifSchema = "https://json.schemastore.org/sarif-2.1.0.json";

export interface SourceLocation {
  /** Repository-relative path, `/`-separated. */
  uri: string;
  /** 1-based. */
  line: number;
}

/** The config key that fixes what a message reports (`fixKey`), e.g. `edge:dns.ttl`. */
export function configKeyIn(message: string, changedKeys: readonly string[] = []): string | undefined {
  return fixKey(message, changedKeys);
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

/** The line in `stack`'s file of the config key that fixes what `message` reports, if the file declares it. */
function configLine(root: string, stack: string, message: string, changedKeys: readonly string[]): SourceLocation | undefined {
  const stackFile = `stacks/Pulumi.${stack}.yaml`;
  const key = configKeyIn(message, changedKeys);
  const path = join(root, stackFile);
  if (!key || !existsSync(path)) return undefined;
  const line = lineOfConfigKey(readFileSync(path, "utf8"), key);
  return line ? { uri: stackFile, line } : undefined;
}

/** Where a violation of `stack` points: the fixing config key's line in the stack file, else the policy's source, else the stack file. */
export function locate(root: string, stack: string, v: PlanJsonViolation, changedKeys: readonly string[] = []): SourceLocation {
  return configLine(root, stack, v.message, changedKeys) ?? policySource(root, v.policyName) ?? { uri: `stacks/Pulumi.${stack}.yaml`, line: 1 };
}

/** The config keys a stack's diff changed, list indices dropped. */
const changedKeysOf = (s: StackReport) => [...new Set((s.diff?.config ?? []).map((c) => c.path.replace(/\[\d+\]/g, "")))];

/** Rule ids of what is not a policy finding: a risky change of a kind, a broken stack. */
const riskRule = (kind: string) => `edge-risk/${kind}`;
const brokenStackRule = "edge-plan/broken-stack";

const level = (enforcement: string) => (enforcement === "mandatory" ? "error" : enforcement === "advisory" ? "warning" : "note");

/** SARIF 2.1.0 of every violation in the head's plans; one rule per policy of the pack. */
export function toSarif(root: string, stacks: StackReport[]) {
  const policies = new Map<string, { name: string; description: string; enforcementLevel: string }>();
  for (const s of stacks) for (const p of s.head?.json?.policyPack?.policies ?? []) policies.set(p.name, p);
  const findings = stacks.flatMap((s) =>
    (s.head?.json?.violations ?? []).map((v) => {
      const at = locate(root, s.stack, v, changedKeysOf(s));
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
  const stackFileAt = (stack: string) => ({ uri: `stacks/Pulumi.${stack}.yaml`, line: 1 });
  const other = (ruleId: string, level: "error" | "warning", stack: string, text: string, at: SourceLocation, fingerprint: string, properties: Record<string, string>) => ({
    ruleId,
    level,
    message: { text: `[${stack}] ${text}` },
    locations: [{ physicalLocation: { artifactLocation: { uri: at.uri }, region: { startLine: at.line } } }],
    partialFingerprints: { edgeFinding: fingerprint },
    properties: { stack, ...properties },
  });
  const risks = stacks.flatMap((s) =>
    (s.diff?.risks ?? []).map((r: Risk) =>
      other(
        riskRule(r.kind),
        refusedRiskKinds.has(r.kind) ? "error" : "warning",
        s.stack,
        r.message,
        configLine(root, s.stack, r.message, changedKeysOf(s)) ?? stackFileAt(s.stack),
        `${s.stack}|${riskRule(r.kind)}|${r.urn ?? ""}|${r.member ?? r.message}`,
        { urn: r.urn ?? "", kind: r.kind },
      ),
    ),
  );
  const broken = stacks
    .filter((s) => s.head?.code === 2)
    .map((s) =>
      other(
        brokenStackRule,
        "error",
        s.stack,
        `the stack's plan exits 2 at this pull request (invalid stack file or config, or the program failed): ${s.head!.stderr.trim().split("\n").slice(-5).join(" ")}`,
        stackFileAt(s.stack),
        `${s.stack}|${brokenStackRule}`,
        {},
      ),
    );
  const kindsSeen = [...new Set(stacks.flatMap((s) => (s.diff?.risks ?? []).map((r) => r.kind)))];
  for (const kind of kindsSeen) {
    policies.set(riskRule(kind), { name: riskRule(kind), description: `A risky change: ${kind}`, enforcementLevel: refusedRiskKinds.has(kind) ? "mandatory" : "advisory" });
  }
  if (broken.length > 0) policies.set(brokenStackRule, { name: brokenStackRule, description: "A stack whose plan the pull request breaks", enforcementLevel: "mandatory" });
  const results = [...findings, ...risks, ...broken];
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

/** `--json`: what merging needs (the workflow's jobs read `merge.verdict`), each stack's plan exit codes and diff. */
export function toJson(result: { baseRef: string; baseCommit: string; headCommit: string; stacks: StackReport[]; verdict: MergeVerdict }) {
  return {
    merge: { verdict: result.verdict.kind, exitCode: result.verdict.exitCode, line: result.verdict.line, reasons: result.verdict.reasons },
    baseRef: result.baseRef,
    baseCommit: result.baseCommit,
    headCommit: result.headCommit,
    stacks: result.stacks.map((s) => ({ stack: s.stack, baseExit: s.base?.code ?? null, headExit: s.head?.code ?? null, diff: s.diff ?? null })),
  };
}
