/**
 * npm run bundle -- --release R --cloudwatch-agent-deb FILE [--out DIR] [--deb-dir DIR]
 *
 * Builds `DIR/edge-ingest-R.tar.gz` (layout: tools/bundle/bundle.ts) with the pinned CloudWatch
 * agent (tools/bundle/pins.ts; refused while the pin is empty). Exit 0 built, 2 on invalid input.
 */
import { parseArgs } from "node:util";
import { BundleError, buildBundle } from "./bundle";

const usage = "usage: npm run bundle -- --release R --cloudwatch-agent-deb FILE [--out DIR] [--deb-dir DIR]";

function main(argv: string[]): number {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        release: { type: "string" },
        out: { type: "string", default: "dist" },
        "deb-dir": { type: "string" },
        "cloudwatch-agent-deb": { type: "string" },
      },
      strict: true,
    }));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${usage}\n`);
    return 2;
  }
  if (!values.release) {
    process.stderr.write(`--release: expected the release name of the bundle, got nothing\n${usage}\n`);
    return 2;
  }
  try {
    const { tarball, manifest } = buildBundle({ outDir: values.out!, release: values.release, debDir: values["deb-dir"], cloudwatchAgentDeb: values["cloudwatch-agent-deb"] });
    process.stdout.write(`${tarball}\n${manifest.files.length} files, node ${manifest.runtime.node}, CloudWatch agent ${manifest.cloudwatchAgent.version}\n`);
    return 0;
  } catch (error) {
    if (error instanceof BundleError) {
      process.stderr.write(`${error.message}\n`);
      return 2;
    }
    throw error;
  }
}

process.exit(main(process.argv.slice(2)));
