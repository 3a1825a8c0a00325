/**
 * The linter and the formatter at zero findings over the whole project, with the project's own
 * configuration (biome.jsonc), and the same configuration shown to fail on a lint finding and on a
 * file laid out other than the formatter lays it out.
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.join(__dirname, "..");
const biome = path.join(root, "node_modules", "@biomejs", "biome", "bin", "biome");

function lint(cwd: string) {
  // About 2 s of one core over the project here; the limit leaves room for a loaded, slower machine.
  const run = spawnSync(process.execPath, [biome, "check", "--error-on-warnings", "--max-diagnostics=50", "--colors=off", "."], { cwd, encoding: "utf8", timeout: 90_000 });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

describe("lint", () => {
  it("finds nothing in the project (run `npm run lint` to see the findings, `npm run format` to lay the files out)", () => {
    const run = lint(root);
    expect(run.output).toMatch(/Checked \d+ files/);
    expect(run.status, run.output).toBe(0);
  });

  /** The project's configuration over one file of the given text. */
  function lintFile(text: string) {
    const dir = mkdtempSync(path.join(tmpdir(), "edge-lint-"));
    try {
      copyFileSync(path.join(root, "biome.jsonc"), path.join(dir, "biome.jsonc"));
      writeFileSync(path.join(dir, "rest.ts"), text);
      return lint(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  it("fails on a lint finding under the project's configuration", () => {
    const run = lintFile("export function rest(values: number[]): number[] {\n  let copy = values.slice(1);\n  return copy;\n}\n");
    expect(run.status).toBe(1);
    expect(run.output).toContain("lint/style/useConst");
  });

  it("fails on a file the formatter would lay out otherwise", () => {
    const run = lintFile("export function rest(values: number[]): number[] {\n    return values.slice(1)\n}\n");
    expect(run.status).toBe(1);
    expect(run.output).toContain("format");
  });
});
