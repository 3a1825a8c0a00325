/** The run's temp root check: something left fails the run (exit code 1) and is removed; an empty root passes. */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import setup, { leftovers } from "./tempRoot";

describe("the test run's temp root", () => {
  let tmpdir: string | undefined;
  let exitCode: typeof process.exitCode;
  beforeEach(() => {
    tmpdir = process.env.TMPDIR;
    exitCode = process.exitCode;
    vi.spyOn(process.stderr, "write").mockImplementation(() => true);
  });
  afterEach(() => {
    process.env.TMPDIR = tmpdir;
    process.exitCode = exitCode;
    vi.restoreAllMocks();
  });

  it("points TMPDIR at a root of its own, and a file left in it fails the run, named, and is removed", () => {
    const teardown = setup();
    const root = process.env.TMPDIR!;
    expect(path.basename(root)).toMatch(new RegExp(`^edge-test-run-${process.pid}-`));
    writeFileSync(path.join(root, "edge-spool-x"), "");
    mkdirSync(path.join(root, "edge-ingest-build-y"));
    // The tools' cache links (tsx, Pulumi's ts-node) are no leftovers.
    expect(leftovers(root)).toEqual(["edge-ingest-build-y", "edge-spool-x"]);
    teardown();
    expect(process.exitCode).toBe(1);
    expect(existsSync(root)).toBe(false);
    expect(String(vi.mocked(process.stderr.write).mock.calls[0]?.[0])).toContain("the tests left 2 entries in their temp dir (edge-ingest-build-y, edge-spool-x)");
  });

  it("passes an empty root and removes it", () => {
    process.exitCode = undefined;
    const teardown = setup();
    const root = process.env.TMPDIR!;
    teardown();
    expect(process.exitCode).toBeUndefined();
    expect(existsSync(root)).toBe(false);
  });
});
