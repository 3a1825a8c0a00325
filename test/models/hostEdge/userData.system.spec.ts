/**
 * The files the user data writes, checked by the tools that will read them on a host: systemd's
 * unit verifier, the shell's parser, and nginx itself (in realNginx.spec.ts).
 */
import { spawn, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { renderBundleVerify, renderUserData } from "../../../models/hostEdge";
import { freePort } from "../../../harness/nginx";
import { installedAt, skipWithout } from "../../../harness/requirements";
import { sampleSettings } from "./fixtures";

const bundle = { bucket: "edge-bundles-{region}", key: "releases/edge-ingest-2026.12.01.tar.gz", sha256: "ab".repeat(32) };
const parsed = parse(renderUserData(sampleSettings({ ingest: { bundle } }))) as { write_files: { path: string; permissions: string; content: string }[] };
const files = parsed.write_files;
const dir = mkdtempSync(path.join(os.tmpdir(), "edge-userdata-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * A root for `systemd-analyze verify --root`: this machine's unit files (targets, nginx.service),
 * every file the user data writes with its permissions, and an empty executable for each command a
 * unit runs that only a host has (the service, nginx), so `verify` judges the units, not this machine.
 */
function hostRoot(): string {
  const root = mkdtempSync(path.join(os.tmpdir(), "edge-root-"));
  mkdirSync(path.join(root, "usr/lib/systemd"), { recursive: true });
  cpSync("/usr/lib/systemd/system", path.join(root, "usr/lib/systemd/system"), { recursive: true, verbatimSymlinks: true });
  for (const f of files) {
    mkdirSync(path.join(root, path.dirname(f.path)), { recursive: true });
    writeFileSync(path.join(root, f.path), f.content, { mode: parseInt(f.permissions, 8) });
  }
  const units = [...files.filter((f) => /\.service$|\.service\.d\//.test(f.path)).map((f) => f.content), readFileSync("/usr/lib/systemd/system/nginx.service", "utf8")];
  for (const unit of units) {
    for (const [, command] of unit.matchAll(/^Exec\w+=[-@+!:]*(\/\S+)/gm)) {
      const stub = path.join(root, command!);
      if (existsSync(stub)) continue;
      mkdirSync(path.dirname(stub), { recursive: true });
      writeFileSync(stub, "#!/bin/sh\n", { mode: 0o755 });
    }
  }
  return root;
}

describe.skipIf(skipWithout([installedAt("/usr/bin/systemd-analyze", "systemd-analyze", "systemd"), installedAt("/usr/lib/systemd/system/nginx.service", "nginx's systemd unit", "nginx-light")]))(
  "systemd units in the user data",
  () => {
    it("restart forever: StartLimitIntervalSec=0 in [Unit] of every unit and drop-in", () => {
      const units = files.filter((f) => /\.service$|\.service\.d\//.test(f.path));
      expect(units.map((u) => u.path)).toEqual([
        "/etc/systemd/system/edge-ingest.service",
        "/etc/systemd/system/edge-ingest-backup.service",
        "/etc/systemd/system/nginx.service.d/edge.conf",
        "/etc/systemd/system/edge-lifecycle-watch.service",
      ]);
      for (const unit of units) {
        const unitSection = unit.content.slice(unit.content.indexOf("[Unit]"), unit.content.indexOf("[Service]"));
        expect({ unit: unit.path, section: unitSection }).toEqual({ unit: unit.path, section: expect.stringContaining("StartLimitIntervalSec=0\n") });
      }
    });

    it("pass systemd-analyze verify with no output, nginx.service with its drop-in", () => {
      const root = hostRoot();
      try {
        const names = ["edge-ingest.service", "edge-ingest-backup.service", "edge-lifecycle-watch.service", "nginx.service"];
        const result = spawnSync("/usr/bin/systemd-analyze", ["verify", `--root=${root}`, ...names], { encoding: "utf8" });
        expect({ status: result.status, output: `${result.stdout}${result.stderr}` }).toEqual({ status: 0, output: "" });
        // The drop-in is what nginx runs with there.
        const shown = spawnSync("/usr/bin/systemd-analyze", ["cat-config", `--root=${root}`, "systemd/system/nginx.service.d/edge.conf"], { encoding: "utf8" });
        expect(shown.stdout).toContain("LimitNOFILE=6208");
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    });

    it("load the env file the service reads, which carries no secret", () => {
      for (const unit of ["/etc/systemd/system/edge-ingest.service", "/etc/systemd/system/edge-ingest-backup.service"]) {
        expect(files.find((f) => f.path === unit)!.content).toContain("EnvironmentFile=/etc/edge/ingest.env\n");
      }
      const env = files.find((f) => f.path === "/etc/edge/ingest.env")!.content;
      expect(env).toContain("INGEST_POOL_SIZE=16\n");
      expect(env).not.toMatch(/^\w*(PASSWORD|SECRET)\w*=/im);
    });
  },
);

describe.skipIf(skipWithout([installedAt("/usr/bin/curl", "curl", "curl")]))("an ingestion unit's start", () => {
  it("ends only once its process answers the readiness path (ExecStartPost= run by /bin/sh with curl), so nginx never meets it starting", async () => {
    const port = await freePort();
    const rendered = parse(renderUserData(sampleSettings({ ingest: { bundle, service: { port, backupPort: port + 1 } } }))) as typeof parsed;
    const unit = rendered.write_files.find((f) => f.path === "/etc/systemd/system/edge-ingest.service")!.content;
    const [, argument] = /^ExecStartPost=\/bin\/sh -c '(.*)'$/m.exec(unit) ?? [];
    expect(argument, unit).toBeDefined();
    const startedAt = Date.now();
    const shell = spawn("/bin/sh", ["-c", argument!], { stdio: "ignore" });
    const exited = new Promise<number | null>((resolve) => shell.once("exit", resolve));
    let server: http.Server | undefined;
    try {
      // The process listens a second later, as the service does after loading its bundle.
      await new Promise((r) => setTimeout(r, 1000));
      expect(shell.exitCode).toBeNull();
      server = http.createServer((_, res) => res.writeHead(503).end());
      await new Promise<void>((resolve) => server!.listen(port, "127.0.0.1", resolve));
      // Any answer will do (a starting process may not be ready): what nginx must not meet is a refusal.
      const code = await Promise.race([exited, new Promise((r) => setTimeout(() => r("still waiting"), 20_000))]);
      expect(code).toBe(0);
      expect(Date.now() - startedAt).toBeGreaterThanOrEqual(1000);
      // And nginx is ordered after both units.
      expect(rendered.write_files.find((f) => f.path === "/etc/systemd/system/nginx.service.d/edge.conf")!.content).toContain("After=edge-ingest.service edge-ingest-backup.service\n");
    } finally {
      shell.kill("SIGKILL");
      server?.close();
    }
  });
});

describe("shell scripts in the user data", () => {
  it("parse with /bin/sh -n", () => {
    const scripts = files.filter((f) => f.content.startsWith("#!/bin/sh"));
    expect(scripts.length).toBe(7);
    for (const script of scripts) {
      const file = path.join(dir, path.basename(script.path));
      writeFileSync(file, script.content);
      const result = spawnSync("/bin/sh", ["-n", file], { encoding: "utf8" });
      expect({ file: script.path, status: result.status, stderr: result.stderr }).toEqual({ file: script.path, status: 0, stderr: "" });
    }
  });
});

describe("the host bundle's verification, run by /bin/sh on real tarballs", () => {
  /** A bundle tarball as `npm run bundle` lays it out; `tamper` changes it after SHA256SUMS is written. */
  function tarball(name: string, tamper?: (root: string) => void): { file: string; sha256: string } {
    const work = mkdtempSync(path.join(os.tmpdir(), "edge-bundle-"));
    const root = path.join(work, "edge-ingest-test");
    mkdirSync(path.join(root, "bin"), { recursive: true });
    mkdirSync(path.join(root, "debs"), { recursive: true });
    writeFileSync(path.join(root, "bin", "ingest"), "#!/bin/sh\n", { mode: 0o755 });
    writeFileSync(path.join(root, "debs", "nginx-light_1.22.1_amd64.deb"), "deb");
    writeFileSync(path.join(root, "manifest.json"), "{}\n");
    spawnSync("/bin/sh", ["-c", "sha256sum bin/ingest debs/nginx-light_1.22.1_amd64.deb > SHA256SUMS"], { cwd: root });
    tamper?.(root);
    const file = path.join(dir, `${name}.tar.gz`);
    spawnSync("tar", ["-C", work, "-czf", file, "edge-ingest-test"]);
    rmSync(work, { recursive: true, force: true });
    const sha256 = spawnSync("sha256sum", [file], { encoding: "utf8" }).stdout.split(" ")[0]!;
    return { file, sha256 };
  }

  function verify(bundle: { file: string; sha256: string }, pinned = bundle.sha256) {
    const script = path.join(dir, "edge-verify-bundle");
    writeFileSync(script, renderBundleVerify({ bucket: "b-{region}", key: "k.tar.gz", sha256: pinned }), { mode: 0o755 });
    const into = mkdtempSync(path.join(os.tmpdir(), "edge-opt-"));
    const result = spawnSync("/bin/sh", [script, bundle.file, into], { encoding: "utf8" });
    const installed = existsSync(path.join(into, "edge-ingest-test", "bin", "ingest"));
    rmSync(into, { recursive: true, force: true });
    return { status: result.status, stdout: result.stdout.replace(into, "<into>"), stderr: result.stderr, installed };
  }

  it("unpacks a bundle whose tarball and files all match", () => {
    expect(verify(tarball("good"))).toEqual({ status: 0, stdout: "<into>/edge-ingest-test\n", stderr: "", installed: true });
  });

  it("refuses a tarball other than the pinned one, installing nothing", () => {
    const result = verify(tarball("other"), "0".repeat(64));
    expect(result).toMatchObject({ status: 1, installed: false });
    expect(result.stderr).toContain(`is not the pinned bundle (sha256 ${"0".repeat(64)})`);
  });

  it("refuses a bundle with a file that does not match its SHA256SUMS, or a file it does not list", () => {
    const changed = verify(tarball("changed", (root) => writeFileSync(path.join(root, "debs", "nginx-light_1.22.1_amd64.deb"), "evil")));
    expect(changed).toMatchObject({ status: 1, installed: false });
    expect(changed.stderr).toContain("does not match its SHA256SUMS");
    const extra = verify(tarball("extra", (root) => writeFileSync(path.join(root, "debs", "extra.deb"), "x")));
    expect(extra).toMatchObject({ status: 1, installed: false });
    expect(extra.stderr).toContain("holds files SHA256SUMS does not list");
  });
});
