/**
 * The install step the user data runs, as a shell script: it installs nothing from a bundle built
 * for another OS than the host's. Run with every path it touches outside the bundle redirected into
 * a temporary directory (the host's os-release, dpkg, policy-rc.d, the fetch and verify steps), so
 * the test reads and writes nothing of the machine it runs on.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { bundleFetchScriptPath, bundleRoot, bundleVerifyScriptPath, renderBundleInstall } from "../../../models/hostEdge/bundle";

describe("edge-install-bundle", () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "edge-bundle-install-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Runs the rendered script against a host of `hostVersion` and a bundle built for `builtFor`. */
  function install(hostVersion: string, builtFor: string): { status: number | null; stderr: string; dpkgCalls: string } {
    const case_ = mkdtempSync(path.join(dir, "case-"));
    const release = path.join(case_, "opt", "edge-ingest-r1");
    mkdirSync(path.join(release, "debs"), { recursive: true });
    writeFileSync(path.join(release, "target.env"), builtFor);
    writeFileSync(path.join(case_, "os-release"), `ID=debian\nVERSION_ID="${hostVersion}"\n`);
    const bin = path.join(case_, "bin");
    mkdirSync(bin);
    const dpkgLog = path.join(case_, "dpkg.log");
    writeFileSync(path.join(bin, "dpkg"), `#!/bin/sh\nif [ "$1" = --print-architecture ]; then echo amd64; exit 0; fi\necho "$@" >> ${dpkgLog}\n`, { mode: 0o755 });
    writeFileSync(path.join(case_, "fetch"), '#!/bin/sh\n: > "$1"\n', { mode: 0o755 });
    writeFileSync(path.join(case_, "verify"), `#!/bin/sh\necho ${release}\n`, { mode: 0o755 });
    const script = renderBundleInstall()
      .replaceAll(bundleFetchScriptPath, path.join(case_, "fetch"))
      .replaceAll(bundleVerifyScriptPath, path.join(case_, "verify"))
      .replaceAll("/etc/os-release", path.join(case_, "os-release"))
      .replaceAll("/usr/sbin/policy-rc.d", path.join(case_, "policy-rc.d"))
      .replaceAll(bundleRoot, path.join(case_, "opt"))
      .replaceAll("/usr/local/bin/ingest", path.join(case_, "ingest"))
      .replaceAll("/tmp/edge-bundle.XXXXXX", path.join(case_, "tarball.XXXXXX"));
    const run = spawnSync("sh", ["-c", script], { encoding: "utf8", env: { PATH: `${bin}:${process.env.PATH}` } });
    return { status: run.status, stderr: run.stderr, dpkgCalls: existsSync(dpkgLog) ? readFileSync(dpkgLog, "utf8") : "" };
  }

  it("installs a bundle built for the host's OS", () => {
    const run = install("12", "ID=debian\nVERSION_ID=12\nARCHITECTURE=amd64\n");
    expect(run.status, run.stderr).toBe(0);
    expect(run.dpkgCalls).toMatch(/^-i --force-confold /);
  });

  it("refuses a bundle built for another release before installing anything, naming both", () => {
    const run = install("12", "ID=debian\nVERSION_ID=13\nARCHITECTURE=amd64\n");
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("is built for ID=debian VERSION_ID=13 ARCHITECTURE=amd64, this host is ID=debian VERSION_ID=12 ARCHITECTURE=amd64");
    expect(run.dpkgCalls).toBe("");
  });

  it("refuses a bundle built for another architecture", () => {
    const run = install("12", "ID=debian\nVERSION_ID=12\nARCHITECTURE=arm64\n");
    expect(run.status).toBe(1);
    expect(run.dpkgCalls).toBe("");
  });
});
