/**
 * The test run's own temp root: every test, and every server or tool it starts, makes its temp
 * files under one directory this run creates (TMPDIR points there, so `os.tmpdir()`, `mktemp` and
 * the servers' own temp files land in it). At the end of the run whatever is left in it fails the
 * run, listed by name, and the root is removed: tests leave nothing in the system temp dir, and
 * the check reads no other process's files.
 */
import { createHash } from "node:crypto";
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { sharedRehearsalPartsVariable } from "../../tools/rehearse/sharedParts";

/**
 * Tools' compile caches, meant to outlive a run, which they keep under the temp dir: tsx's
 * (`path.join(os.tmpdir(), \`tsx-${geteuid()}\`)`, tsx's dist/temporary-directory-*.mjs, also its IPC
 * sockets) and the ts-node Pulumi vendors for programs it runs (`getTmpDir()`: `ts-node-` and the
 * SHA-256 of the home dir, @pulumi/pulumi's vendor/ts-node@7.0.1/index.js) and Node's module compile
 * cache that tsc turns on (`module.enableCompileCache()` in typescript/lib/tsc.js, kept in
 * `node-compile-cache` under the temp dir unless NODE_COMPILE_CACHE says otherwise). The root links each to
 * the system temp dir's, so the tools the tests start keep their warm cache, and the links are no
 * leftovers.
 */
const toolCaches = [`tsx-${process.geteuid ? process.geteuid() : os.userInfo().username}`, `ts-node-${createHash("sha256").update(os.homedir(), "utf8").digest("hex")}`, "node-compile-cache"];

/**
 * The host rehearsal's parts (test CAs, stand-in agents, bundle) that every test file booting hosts
 * shares in this run (tools/rehearse/rehearsal.ts, `sharedRehearsalPartsVariable`): the run's own,
 * removed with the root, and no leftover.
 */
const sharedRehearsalParts = "rehearsal-parts";

/** The entries left in `root`, sorted; none when it holds nothing but the tools' cache links and the run's shared parts (or is gone). */
export function leftovers(root: string): string[] {
  try {
    return readdirSync(root)
      .filter((entry) => !toolCaches.includes(entry) && entry !== sharedRehearsalParts)
      .sort();
  } catch {
    return [];
  }
}

/** The prefix of this process's run root: a vitest started by a test (another pid) never takes it for its own. */
const runRootPrefix = () => `edge-test-run-${process.pid}-`;

/**
 * What this run has left in its temp root so far, read by the summary reporter before the root is
 * removed, so the line CI reads counts a leftover as a failure; none when the run has no root of its own.
 */
export function runLeftovers(): string[] {
  const root = process.env.TMPDIR;
  return root && path.basename(root).startsWith(runRootPrefix()) ? leftovers(root) : [];
}

export default function setup(): () => void {
  const systemTemp = os.tmpdir();
  const root = mkdtempSync(path.join(systemTemp, runRootPrefix()));
  // As the system temp dir is (1777): servers the tests run as other users (PostgreSQL as
  // `postgres`) reach and make their own directories in it.
  chmodSync(root, 0o1777);
  for (const cache of toolCaches) {
    mkdirSync(path.join(systemTemp, cache), { recursive: true, mode: 0o700 });
    symlinkSync(path.join(systemTemp, cache), path.join(root, cache));
  }
  process.env.TMPDIR = root;
  process.env[sharedRehearsalPartsVariable] = path.join(root, sharedRehearsalParts);
  return () => {
    const left = leftovers(root);
    rmSync(root, { recursive: true, force: true });
    process.env.TMPDIR = systemTemp;
    delete process.env[sharedRehearsalPartsVariable];
    if (left.length > 0) {
      // A teardown's error is printed but leaves vitest's exit code at 0: set it, and say why.
      process.exitCode = 1;
      process.stderr.write(
        `FAIL: the tests left ${left.length} entr${left.length === 1 ? "y" : "ies"} in their temp dir (${left.slice(0, 20).join(", ")}${left.length > 20 ? ", …" : ""}): ` +
          "remove what a test creates, also on failure (removed now; the run fails)\n",
      );
    }
  };
}
