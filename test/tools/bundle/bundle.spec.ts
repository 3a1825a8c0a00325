/** The host bundle: every file it ships is the one its manifest and SHA256SUMS name, and it runs. */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { BundleManifest, buildBundle, sha256File } from "../../../tools/bundle/bundle";
import { cloudwatchAgentPin, nginxPackages } from "../../../tools/bundle/pins";

describe("buildBundle", () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "edge-bundle-test-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  // A stand-in for the agent's .deb (it cannot be downloaded here), pinned by its own checksum.
  const agentDeb = path.join(dir, "agent.deb");
  writeFileSync(agentDeb, "a stand-in for amazon-cloudwatch-agent.deb");
  const url = (v: string) => `https://example.invalid/${v}/agent.deb`;
  const pin = { version: "1.300000.0", sha256: sha256File(agentDeb), url };

  it("ships the service, its runtime, nginx's packages and the pinned agent, each checksummed", () => {
    const { tarball, manifest } = buildBundle({ outDir: dir, release: "test-1", cloudwatchAgentDeb: agentDeb, pin });
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
    expect(manifest.cloudwatchAgent).toEqual({ version: "1.300000.0", sha256: pin.sha256, url: "https://example.invalid/1.300000.0/agent.deb" });
    expect(sha256File(path.join(root, "debs", "amazon-cloudwatch-agent.deb"))).toBe(pin.sha256);
    // The launcher starts the service on the shipped runtime: a bad setting is refused with exit 2.
    const run = spawnSync(path.join(root, "bin", "ingest"), ["--listen", "nowhere"], { encoding: "utf8", env: { PATH: process.env.PATH } });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('--listen: expected HOST:PORT, e.g. 127.0.0.1:8080, got "nowhere"');
  });

  it("refuses an empty pin, naming it and how to fill it; a missing or different agent .deb; a bad release name", () => {
    expect(() => buildBundle({ outDir: dir, release: "x", cloudwatchAgentDeb: agentDeb, pin: { version: null, sha256: null, url } })).toThrow(
      "tools/bundle/pins.ts: cloudwatchAgentPin.version and sha256 are empty, so no host bundle can be built",
    );
    expect(() => buildBundle({ outDir: dir, release: "x", cloudwatchAgentDeb: agentDeb, pin: { ...pin, sha256: null } })).toThrow(/cloudwatchAgentPin\.sha256 is empty.*download https:\/\/example\.invalid\/<version>\/agent\.deb.*set version and the \.deb's sha256sum in cloudwatchAgentPin/);
    expect(() => buildBundle({ outDir: dir, release: "x", pin })).toThrow(
      "--cloudwatch-agent-deb: expected the pinned CloudWatch agent's .deb (version 1.300000.0, https://example.invalid/1.300000.0/agent.deb), got nothing",
    );
    expect(() => buildBundle({ outDir: dir, release: "x", cloudwatchAgentDeb: agentDeb, pin: { ...pin, sha256: "0".repeat(64) } })).toThrow(
      `differs from the pinned ${"0".repeat(64)} (version 1.300000.0); download https://example.invalid/1.300000.0/agent.deb again`,
    );
    expect(() => buildBundle({ outDir: dir, release: "bad name", cloudwatchAgentDeb: agentDeb, pin })).toThrow('--release: expected letters, digits, . _ -, got "bad name"');
  });

  it.skipIf(!!cloudwatchAgentPin.version && !!cloudwatchAgentPin.sha256)("npm run bundle with the shipped, empty pin exits 2 and says what to fill, building nothing", () => {
    const out = path.join(dir, "cli");
    const run = spawnSync(process.execPath, ["--import", "tsx", path.join(__dirname, "../../../tools/bundle/main.ts"), "--release", "r1", "--cloudwatch-agent-deb", agentDeb, "--out", out], { encoding: "utf8" });
    expect(run.status, run.stderr).toBe(2);
    expect(run.stderr).toContain("tools/bundle/pins.ts: cloudwatchAgentPin.version and sha256 are empty, so no host bundle can be built");
    expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(existsSync(out)).toBe(false);
  });
});
