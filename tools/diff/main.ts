/**
 * npm run diff -- BASE.json HEAD.json [--format markdown|text] [--fail-on unsafe] [--out FILE]
 *
 * Compares two offline plans (`npm run plan -- --json`). Exit 0: diff written. 1: a change that
 * cannot deploy as written, whatever the review: several regions stopped serving in one deploy (a
 * global outage), or a step the update rehearsal finds the cloud's API refusing or unable to undo (a
 * protected load balancer deleted, a subnet replaced with the block its predecessor holds, a zone
 * deleted with records in it; `updateRehearsal.ts`).
 * 2: bad arguments or a file that is not a plan. 3: `--fail-on unsafe` and at least one risky change.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { checkFailOn, parseCommandLine } from "../cli";
import { diffPlans, refusedRisks } from "./planDiff";
import { readPlanJson } from "./planFile";
import { Format, placeholderLegend, renderDiff } from "./render";
import { isMarked } from "./placeholders";

const usage = "usage: npm run diff -- BASE.json HEAD.json [--format markdown|text] [--fail-on unsafe] [--out FILE]";

function main(argv: string[]): number {
  const parsed = parseCommandLine(argv, { format: { type: "string", default: "text" }, "fail-on": { type: "string" }, out: { type: "string" } }, usage, {
    allowPositionals: true,
  });
  if (typeof parsed === "number") return parsed;
  const { values, positionals } = parsed;
  if (positionals.length !== 2) {
    process.stderr.write(`expected two plan files, got ${positionals.length}\n${usage}\n`);
    return 2;
  }
  if (values.format !== "markdown" && values.format !== "text") {
    process.stderr.write(`--format: '${values.format}' is not one of markdown, text\n`);
    return 2;
  }
  if (!checkFailOn(values["fail-on"])) return 2;
  try {
    const diff = diffPlans(readPlanJson(positionals[0]), readPlanJson(positionals[1]));
    const rendered = renderDiff(diff, values.format as Format);
    const text = values.format === "markdown" && isMarked(rendered) ? `${rendered}\n<sub>${placeholderLegend}</sub>\n` : rendered;
    if (values.out) {
      const out = resolve(values.out);
      mkdirSync(dirname(out), { recursive: true });
      writeFileSync(out, text);
    } else {
      process.stdout.write(text);
    }
    const refused = refusedRisks(diff.risks);
    if (refused.length > 0) {
      process.stderr.write(`${refused.length} change(s) cannot deploy as written, whatever the review: ${refused.map((r) => r.message).join("; ")}\n`);
      return 1;
    }
    if (values["fail-on"] === "unsafe" && diff.risks.length > 0) {
      process.stderr.write(`${diff.risks.length} risky change(s): failing as --fail-on unsafe asks\n`);
      return 3;
    }
    return 0;
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    return 2;
  }
}

process.exitCode = main(process.argv.slice(2));
