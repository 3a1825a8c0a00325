/**
 * The plan the rehearsal boots: the stack's own file with `edge:ingest.bundle` pointing at the
 * bundle just built (its key under the configured bucket, its sha256), planned by the offline plan
 * as `npm run plan` plans it. Nothing else of the stack changes.
 */
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import path from "node:path";
import { parseDocument } from "yaml";
import { planStack } from "../../gameday/planned";
import { sha256File } from "../bundle/bundle";
import type { PlanJson } from "../plan/planJson";

const projectRoot = path.resolve(__dirname, "../..");

/** The key a release's tarball is uploaded under, as the stack files name it. */
export function releaseKey(tarball: string): string {
  return `releases/${path.basename(tarball)}`;
}

/** The plan, and the bundle's bucket as the stack names it (`{region}` is each host's region). */
export async function planWithBundle(stack: string, tarball: string, dir: string): Promise<{ plan: PlanJson; bucket: string }> {
  mkdirSync(dir, { recursive: true });
  const source = path.join(projectRoot, "stacks", `Pulumi.${stack}.yaml`);
  const document = parseDocument(readFileSync(source, "utf8"));
  const bundle = ["config", "edge:ingest", "bundle"];
  if (!document.hasIn(bundle)) throw new Error(`${source} pins no edge:ingest.bundle: the rehearsal boots the bundle a stack pins`);
  document.setIn([...bundle, "key"], releaseKey(tarball));
  document.setIn([...bundle, "sha256"], sha256File(tarball));
  const file = path.join(dir, `Pulumi.${stack}.yaml`);
  writeFileSync(file, document.toString());
  return { plan: await planStack(stack, file), bucket: String(document.getIn([...bundle, "bucket"])) };
}
