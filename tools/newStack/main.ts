/**
 * npm run new-stack -- --stack NAME --domain DOMAIN [--from dev|prod|PATH]
 *
 * Writes `stacks/Pulumi.<NAME>.yaml` from a stack file (`--from`: a stack's name or a file; defaults
 * to `dev`), in the `pending` phase whatever the source says, without what was the source stack's
 * own, and with every key the delegated phase still needs listed in its header (`newStack.ts`).
 * The source stack's policy config (`policies/config/<source>.json`) is copied beside it, so the new
 * stack takes the same bounds and waivers. Exit 0: written. 2: bad arguments, an existing file, or a file that would not plan.
 */
import { copyFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseCommandLine } from "../cli";
import { newStackFile, NewStackError, sourcePolicyConfig } from "./newStack";

const usage = "usage: npm run new-stack -- --stack NAME --domain DOMAIN [--from dev|prod|PATH]";
const projectRoot = resolve(__dirname, "..", "..");

function main(argv: string[]): number {
  const parsed = parseCommandLine(argv, { stack: { type: "string" }, domain: { type: "string" }, from: { type: "string", default: "dev" } }, usage);
  if (typeof parsed === "number") return parsed;
  const { stack, domain, from } = parsed.values as { stack?: string; domain?: string; from: string };
  if (!stack || !/^[A-Za-z0-9_.-]+$/.test(stack)) {
    process.stderr.write(`--stack: ${stack === undefined ? "required" : `'${stack}' is not a stack name (letters, digits, _ . -)`}\n${usage}\n`);
    return 2;
  }
  if (!domain) {
    process.stderr.write(`--domain: required (the new stack's edge:domain)\n${usage}\n`);
    return 2;
  }
  const sourcePath = /[/\\]|\.ya?ml$/.test(from) ? resolve(from) : join(projectRoot, "stacks", `Pulumi.${from}.yaml`);
  const target = join(projectRoot, "stacks", `Pulumi.${stack}.yaml`);
  if (existsSync(target)) {
    process.stderr.write(`${target} exists: a new stack's file is never written over an existing one\n`);
    return 2;
  }
  let text: string;
  try {
    text = readFileSync(sourcePath, "utf8");
  } catch (err) {
    process.stderr.write(`--from: cannot read ${sourcePath} (${(err as Error).message})\n`);
    return 2;
  }
  try {
    const made = newStackFile({ stack, domain, source: { path: sourcePath.startsWith(projectRoot) ? sourcePath.slice(projectRoot.length + 1) : sourcePath, text } });
    writeFileSync(target, made.text);
    const policyConfig = join(projectRoot, "policies", "config", `${stack}.json`);
    const sourceConfig = sourcePolicyConfig(projectRoot, sourcePath);
    if (sourceConfig !== undefined && !existsSync(policyConfig)) {
      copyFileSync(sourceConfig, policyConfig);
      process.stdout.write(`${policyConfig} written: the source stack's policy config (its bounds and waivers); review it\n`);
    } else if (sourceConfig === undefined) {
      process.stdout.write(`no policy config for the source: the pack's defaults apply and no waiver is taken; write ${policyConfig} to take one\n`);
    }
    process.stdout.write(
      `${target} written: phase pending. Next: npm run plan -- --stack ${stack}; before edge:dns.delegation: delegated, set:\n` + made.delegatedNeeds.map((need) => `  - ${need}\n`).join(""),
    );
    return 0;
  } catch (err) {
    if (!(err instanceof NewStackError)) throw err;
    process.stderr.write(`${err.message}\n`);
    return 2;
  }
}

process.exitCode = main(process.argv.slice(2));
