/**
 * The files the user data writes, checked by the tools that will read them on a host: systemd's
 * unit verifier, the shell's parser, and nginx itself (in realNginx.spec.ts).
 */
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { renderUserData } from "../../../models/hostEdge";
import { sampleSettings } from "./fixtures";

const files = (parse(renderUserData(sampleSettings())) as { write_files: { path: string; permissions: string; content: string }[] }).write_files;
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

describe.skipIf(!existsSync("/usr/bin/systemd-analyze") || !existsSync("/usr/lib/systemd/system/nginx.service"))("systemd units in the user data", () => {
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
    expect(env).toContain("INGEST_POOL_SIZE=8\n");
    expect(env).not.toMatch(/^\w*(PASSWORD|SECRET)\w*=/im);
  });
});

describe("shell scripts in the user data", () => {
  it("parse with /bin/sh -n", () => {
    const scripts = files.filter((f) => f.content.startsWith("#!/bin/sh"));
    expect(scripts.length).toBe(3);
    for (const script of scripts) {
      const file = path.join(dir, path.basename(script.path));
      writeFileSync(file, script.content);
      const result = spawnSync("/bin/sh", ["-n", file], { encoding: "utf8" });
      expect({ file: script.path, status: result.status, stderr: result.stderr }).toEqual({ file: script.path, status: 0, stderr: "" });
    }
  });
});
