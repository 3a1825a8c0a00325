/** The rehearsal parts a test run shares: built by the first caller only, and a failed build leaves the next caller to build anew. */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { builtOnceInRun } from "../../../tools/rehearse/sharedParts";

describe("rehearsal parts built once in a test run", () => {
  let shared: string;
  beforeEach(() => {
    shared = path.join(mkdtempSync(path.join(os.tmpdir(), "edge-shared-parts-")), "parts");
  });
  afterEach(() => rmSync(path.dirname(shared), { recursive: true, force: true }));

  it("builds once, in a directory of the shared one, and every later caller reads what the first built", () => {
    const builds: string[] = [];
    const build = (dir: string) => {
      builds.push(dir);
      writeFileSync(path.join(dir, "bundle.tar.gz"), "");
      return { tarball: path.join(dir, "bundle.tar.gz") };
    };
    const first = builtOnceInRun(shared, build, () => undefined);
    const second = builtOnceInRun(shared, build, () => undefined);
    expect(builds).toHaveLength(1);
    expect(path.dirname(builds[0]!)).toBe(shared);
    expect(second).toEqual(first);
    expect(existsSync(first.tarball)).toBe(true);
  });

  it("frees the build lock when a build fails, so the next caller builds", () => {
    expect(() =>
      builtOnceInRun(
        shared,
        () => {
          throw new Error("dpkg-deb failed");
        },
        () => undefined,
      ),
    ).toThrow("dpkg-deb failed");
    expect(existsSync(path.join(shared, "building"))).toBe(false);
    expect(
      builtOnceInRun(
        shared,
        () => ({ built: true }),
        () => undefined,
      ),
    ).toEqual({ built: true });
  });
});
