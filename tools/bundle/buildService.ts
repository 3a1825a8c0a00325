/**
 * Compiles the ingestion service (`service/src/main.ts`) and its npm dependencies into one
 * CommonJS file for the Node.js runtime the bundle ships (or, in the tests, the one they run on).
 * The tests run this same file.
 */
import { buildSync } from "esbuild";
import path from "node:path";

export const serviceEntry = path.resolve(__dirname, "../../service/src/main.ts");

/** Writes the single-file service to `outFile` for Node `nodeVersion` (defaults to the running one); returns its path. */
export function buildService(outFile: string, nodeVersion = process.versions.node): string {
  buildSync({
    entryPoints: [serviceEntry],
    outfile: outFile,
    bundle: true,
    platform: "node",
    target: `node${nodeVersion.split(".")[0]}`,
    format: "cjs",
    // pg tries `require("pg-native")` only when asked for it; it is not shipped.
    external: ["pg-native"],
    legalComments: "linked",
    logLevel: "silent",
  });
  return outFile;
}
