/**
 * npm run pr-check -- --base REF [--out report.md] [--full-out full.md] [--report-url URL]
 *                     [--pr-head SHA] [--json FILE] [--sarif FILE] [--annotate N] [--cache-dir DIR | --no-cache]
 *
 * Plans every stack in stacks/ at REF and in the working tree and writes one markdown report
 * (stdout, or --out) that fits in a GitHub comment; --full-out writes it unshortened, and
 * --report-url is where a shortened comment says the full one is. --pr-head names the pull
 * request's own head commit in the header when the working tree is its merge into the base.
 * --json writes every stack's diff and what merging needs (`merge`), --sarif the head's
 * violations, risks, plain-text secrets and broken stacks as SARIF 2.1.0 (each at the stack-file
 * line of the config key that fixes it), --annotate N prints GitHub annotations for the N most
 * severe of them (stdout, so with --out). Plans are cached by the digest of the files they are made
 * from (default: `edge-pr-check/` in the git directory), so a base planned once is read back, and a
 * stack whose inputs a pull request leaves alone is planned once for both sides.
 *
 * The exit code is what merging needs, as the comment's first line says (`verdict.ts`): 0
 * mergeable; 1 cannot merge (a stack broken or with a mandatory violation at the working tree, or a
 * change that cannot deploy as written: a protected load balancer replaced, a global outage),
 * whatever the review; 3 needs a code owner's approval (a risky change, a moved guard). 2: bad
 * arguments, or the base could not be checked out or installed.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { parseCommandLine } from "../cli";
import { prCheck } from "./prCheck";
import { annotations, toJson, toSarif } from "./sarif";

const usage =
  "usage: npm run pr-check -- --base REF [--out report.md] [--full-out full.md] [--report-url URL] [--pr-head SHA] [--json FILE] [--sarif FILE] [--annotate N] [--cache-dir DIR | --no-cache]";
const projectRoot = resolve(__dirname, "..", "..");

function write(path: string, text: string): string {
  const out = resolve(path);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, text);
  return out;
}

async function main(argv: string[]): Promise<number> {
  const parsed = parseCommandLine(
    argv,
    {
      base: { type: "string" },
      out: { type: "string" },
      "full-out": { type: "string" },
      "report-url": { type: "string" },
      "pr-head": { type: "string" },
      json: { type: "string" },
      sarif: { type: "string" },
      annotate: { type: "string" },
      "cache-dir": { type: "string" },
      "no-cache": { type: "boolean", default: false },
    },
    usage,
  );
  if (typeof parsed === "number") return parsed;
  const { values } = parsed;
  if (!values.base) {
    process.stderr.write(`--base is required\n${usage}\n`);
    return 2;
  }
  if (values["pr-head"] !== undefined && !/^[0-9a-f]{7,64}$/i.test(values["pr-head"])) {
    process.stderr.write(`--pr-head: '${values["pr-head"]}' is not a commit SHA (hex digits)\n`);
    return 2;
  }
  if (values["report-url"] !== undefined && !/^https:\/\/\S+$/.test(values["report-url"])) {
    process.stderr.write(`--report-url: '${values["report-url"]}' is not an https:// URL\n`);
    return 2;
  }
  const annotate = values.annotate === undefined ? 0 : Number(values.annotate);
  if (!Number.isInteger(annotate) || annotate < 0 || (annotate > 0 && !values.out)) {
    process.stderr.write(`--annotate: '${values.annotate}' must be a whole number of annotations, with --out (they go to stdout)\n`);
    return 2;
  }
  if (values["no-cache"] && values["cache-dir"]) {
    process.stderr.write("--cache-dir and --no-cache: give one of them\n");
    return 2;
  }
  let result;
  try {
    result = await prCheck(projectRoot, values.base, { prHeadCommit: values["pr-head"], fullReportUrl: values["report-url"] }, (line) => process.stderr.write(`pr-check: ${line}\n`), {
      cacheDir: values["no-cache"] ? false : values["cache-dir"] ? resolve(values["cache-dir"]) : undefined,
    });
  } catch (err) {
    process.stderr.write(`pr-check: ${(err as Error).message}\n`);
    return 2;
  }
  if (values.out) process.stderr.write(`pr-check: report written to ${write(values.out, result.markdown)}\n`);
  else process.stdout.write(result.markdown);
  if (values["full-out"]) process.stderr.write(`pr-check: full report written to ${write(values["full-out"], result.full)}\n`);
  if (values.json) process.stderr.write(`pr-check: JSON written to ${write(values.json, JSON.stringify(toJson(result), null, 2) + "\n")}\n`);
  const sarif = toSarif(projectRoot, result.stacks);
  if (values.sarif) process.stderr.write(`pr-check: SARIF written to ${write(values.sarif, JSON.stringify(sarif, null, 2) + "\n")}\n`);
  for (const line of annotations(sarif, annotate)) process.stdout.write(`${line}\n`);
  const failing = result.stacks.filter((s) => s.head && s.head.code !== 0);
  if (failing.length > 0) process.stderr.write(`pr-check: ${failing.map((s) => `${s.stack} (plan exit ${s.head!.code})`).join(", ")} fail at the working tree\n`);
  const { verdict } = result;
  process.stderr.write(`pr-check: ${verdict.kind}${verdict.reasons.length > 0 ? `: ${verdict.reasons.join("; ")}` : ""} (exit ${verdict.exitCode})\n`);
  return verdict.exitCode;
}

main(process.argv.slice(2)).then((code) => process.exit(code));
