/**
 * npm run zonefile -- --stack prod [--config-file PATH] [--policy-config PATH] [--provider route53|cloudflare] [--out DIR]
 *
 * Prints the RFC 1035 zone file of one provider's view of the stack's zone (Route 53 by default),
 * made from the offline plan's records: importable into any DNS provider or server. With `--out`,
 * writes both providers' files (`<provider>.zone`), their views as JSON (`<provider>.view.json`, for
 * the wire-size model) and the plan's policy violations (`violations.json`) into DIR.
 *
 * Exit 0 when written, 2 on a bad argument, stack file or config.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { zoneFile } from "../../models/dns/zoneFile";
import { zoneViews } from "../../models/dns/zoneView";
import { parseCommandLine, reportPlanFailure } from "../cli";
import { makePlan } from "../plan/plan";

const usage = "usage: npm run zonefile -- --stack NAME [--config-file PATH] [--policy-config PATH] [--provider route53|cloudflare] [--out DIR]";

async function main(argv: string[]): Promise<number> {
  const parsed = parseCommandLine(
    argv,
    {
      stack: { type: "string" },
      "config-file": { type: "string" },
      "policy-config": { type: "string" },
      provider: { type: "string", default: "route53" },
      out: { type: "string" },
    },
    usage,
  );
  if (typeof parsed === "number") return parsed;
  const { values } = parsed;
  if (values.provider !== "route53" && values.provider !== "cloudflare") {
    process.stderr.write(`--provider: expected route53 or cloudflare, got '${values.provider}'\n${usage}\n`);
    return 2;
  }
  try {
    const plan = await makePlan({ stack: values.stack, configFile: values["config-file"], policyConfigFile: values["policy-config"] });
    const views = zoneViews(plan.resources.map((r) => ({ type: r.type, inputs: r.outputs as Record<string, any> })));
    if (values.out) {
      const dir = resolve(values.out);
      mkdirSync(dir, { recursive: true });
      for (const view of views) {
        writeFileSync(join(dir, `${view.provider}.zone`), zoneFile(view));
        writeFileSync(join(dir, `${view.provider}.view.json`), JSON.stringify(view, null, 2) + "\n");
      }
      writeFileSync(join(dir, "violations.json"), JSON.stringify(plan.policy.violations, null, 2) + "\n");
      process.stdout.write(`zone files of ${views.map((v) => v.provider).join(", ")} written to ${dir}\n`);
      return 0;
    }
    const view = views.find((v) => v.provider === values.provider);
    if (!view) {
      process.stderr.write(`the stack declares no ${values.provider} zone\n`);
      return 2;
    }
    process.stdout.write(zoneFile(view));
    return 0;
  } catch (err) {
    return reportPlanFailure(err, "the zone file");
  }
}

main(process.argv.slice(2)).then((code) => process.exit(code));
