/**
 * The files the user data writes, checked by the tools that will read them on a host: systemd's
 * unit verifier, the shell's parser, and nginx itself (in realNginx.spec.ts).
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { renderUserData } from "../../../models/hostEdge";
import { sampleSettings } from "./fixtures";

const files = (parse(renderUserData(sampleSettings())) as { write_files: { path: string; content: string }[] }).write_files;
const dir = mkdtempSync(path.join(os.tmpdir(), "edge-userdata-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!existsSync("/usr/bin/systemd-analyze"))("systemd units in the user data", () => {
  it("pass systemd-analyze verify (their commands exist only on a host)", () => {
    const units = files.filter((f) => f.path.endsWith(".service"));
    expect(units.map((u) => path.basename(u.path))).toEqual(["edge-ingest.service", "edge-ingest-backup.service", "edge-lifecycle-watch.service"]);
    const paths = units.map((u) => {
      const file = path.join(dir, path.basename(u.path));
      writeFileSync(file, u.content);
      return file;
    });
    const result = spawnSync("/usr/bin/systemd-analyze", ["verify", ...paths], { encoding: "utf8" });
    const problems = `${result.stdout}${result.stderr}`
      .split("\n")
      .filter((line) => line.trim() && !/Command \/usr\/local\/s?bin\/[\w-]+ is not executable/.test(line));
    expect(problems).toEqual([]);
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
