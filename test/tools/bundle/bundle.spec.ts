/** The host bundle: every file it ships is the one its manifest and SHA256SUMS name, and it runs. */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { BundleError, BundleManifest, buildBundle, sha256File } from "../../../tools/bundle/bundle";
import { nginxPackages } from "../../../tools/bundle/pins";

describe("buildBundle", () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "edge-bundle-test-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("ships the service, its runtime and nginx's packages, each checksummed", () => {
    const { tarball, manifest } = buildBundle({ outDir: dir, release: "test-1" });
    expect(path.basename(tarball)).toBe("edge-ingest-test-1.tar.gz");
    execFileSync("tar", ["-C", dir, "-xzf", tarball]);
    const root = path.join(dir, "edge-ingest-test-1");
    const written = JSON.parse(readFileSync(path.join(root, "manifest.json"), "utf8")) as BundleManifest;
    expect(written).toEqual(manifest);
    for (const file of manifest.files) expect({ path: file.path, sha256: sha256File(path.join(root, file.path)) }).toEqual({ path: file.path, sha256: file.sha256 });
    expect(manifest.files.map((f) => f.path)).toEqual(expect.arrayContaining(["bin/ingest", "runtime/node", "service/ingest.js"]));
    // What the user data runs before it installs anything.
    const check = spawnSync("sha256sum", ["--strict", "-c", "SHA256SUMS"], { cwd: root, encoding: "utf8" });
    expect(check.status, check.stdout + check.stderr).toBe(0);
    expect(manifest.debs.map((d) => d.package).sort()).toEqual([...nginxPackages].sort());
    expect(manifest.runtime.node).toBe(process.version);
    expect(execFileSync(path.join(root, "runtime", "node"), ["--version"], { encoding: "utf8" }).trim()).toBe(process.version);
    expect(manifest.cloudwatchAgent.included).toBe(false);
    expect(manifest.releaseReady).toBe(false);
    // The launcher starts the service on the shipped runtime: a bad setting is refused with exit 2.
    const run = spawnSync(path.join(root, "bin", "ingest"), ["--listen", "nowhere"], { encoding: "utf8", env: { PATH: process.env.PATH } });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('--listen: expected HOST:PORT, e.g. 127.0.0.1:8080, got "nowhere"');
  });

  it("refuses a CloudWatch agent that is not pinned or does not match its pin", () => {
    const deb = path.join(dir, "agent.deb");
    writeFileSync(deb, "not the agent");
    const url = (v: string) => `https://example.invalid/${v}/agent.deb`;
    expect(() => buildBundle({ outDir: dir, release: "x", cloudwatchAgentDeb: deb, pin: { version: null, sha256: null, url } })).toThrow(BundleError);
    expect(() => buildBundle({ outDir: dir, release: "x", cloudwatchAgentDeb: deb, pin: { version: "1.0", sha256: "0".repeat(64), url } })).toThrow(
      `differs from the pinned ${"0".repeat(64)} (version 1.0); download https://example.invalid/1.0/agent.deb again`,
    );
    expect(() => buildBundle({ outDir: dir, release: "bad name" })).toThrow('--release: expected letters, digits, . _ -, got "bad name"');
  });
});
