/**
 * npm run bundle -- --release R --cloudwatch-agent-deb FILE --ssm-agent-deb FILE [--out DIR] [--datastore-ca FILE]
 *
 * Builds `DIR/edge-ingest-R.tar.gz` (layout: tools/bundle/bundle.ts) with the pinned CloudWatch
 * agent and SSM Agent (tools/bundle/pins.ts; refused while a pin is empty), nginx's .deb files
 * downloaded in a Debian 12 amd64 root file system (mmdebstrap), the pinned Node.js runtime and
 * the RDS CA bundle (or `--datastore-ca`, a self-managed datastore's CA). Exit 0 built, 2 on
 * invalid input or a build that cannot be made as pinned.
 */
import { parseArgs } from "node:util";
import { BundleError, buildBundle } from "./bundle";
import { pinnedDebs } from "./pins";

const usage = `usage: npm run bundle -- --release R ${pinnedDebs.map((pin) => `--${pin.option} FILE`).join(" ")} [--out DIR] [--datastore-ca FILE]`;

function main(argv: string[]): number {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        release: { type: "string" },
        out: { type: "string", default: "dist" },
        "datastore-ca": { type: "string" },
        ...Object.fromEntries(pinnedDebs.map((pin) => [pin.option, { type: "string" as const }])),
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
    const pinnedDebFiles = Object.fromEntries(pinnedDebs.map((pin) => [pin.option, (values as Record<string, string | undefined>)[pin.option]]));
    const ca = values["datastore-ca"];
    const datastoreCa = ca === undefined ? undefined : { file: ca, source: `--datastore-ca ${ca}` };
    const { tarball, manifest } = buildBundle({ outDir: values.out, release: values.release, pinnedDebFiles, datastoreCa });
    const agents = manifest.pinnedDebs.map((deb) => `${deb.file} ${deb.version}`).join(", ");
    const { os } = manifest;
    process.stdout.write(
      `${tarball}\n${manifest.files.length} files for ${os.id} ${os.versionId} ${os.architecture}, node ${manifest.runtime.node}, ${agents}, datastore CA ${manifest.datastoreCa.source}\n`,
    );
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
