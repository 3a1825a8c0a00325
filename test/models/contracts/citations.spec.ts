/**
 * Every citation of the API contracts says where a rule was read, and can be checked: a line of an
 * installed declaration file is the doc comment of the member it names (so an upgrade of
 * @pulumi/aws that moves or drops it fails here); a provider file is one of those read at a commit
 * (the type checker refuses another, `models/providerSources.ts`); an API page is one of those read.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { apiContracts, type PropertyContract } from "../../../models/contracts";
import { apiPagesRead, installedVersions } from "../../../models/providerSources";
import { projectRoot } from "../../support/runPlan";

/** Every property contract with its path, nested fields and list elements included. */
function* everyContract(): Generator<[string, PropertyContract]> {
  function* walk(path: string, contract: PropertyContract): Generator<[string, PropertyContract]> {
    yield [path, contract];
    if (contract.each) yield* walk(`${path}[]`, contract.each);
    for (const [field, c] of Object.entries(contract.fields ?? {})) yield* walk(`${path}.${field}`, c);
  }
  for (const [type, table] of Object.entries(apiContracts)) {
    for (const [property, contract] of Object.entries(table.properties)) yield* walk(`${type} ${property}`, contract);
  }
}

const installedCite = /node_modules\/@pulumi\/(aws|cloudflare)\/(\S+\.d\.ts):(\d+) ((?:[\w]+\.)+[\w]+) \(installed @pulumi\/(?:aws|cloudflare) ([\d.]+)\)/g;

const files = new Map<string, string[]>();
const linesOf = (pkg: string, file: string) => {
  const key = `${pkg}/${file}`;
  if (!files.has(key)) files.set(key, readFileSync(join(projectRoot, "node_modules", "@pulumi", pkg, file), "utf8").split("\n"));
  return files.get(key)!;
};

/** Why line `line` (1-based) is not the doc comment (or, undocumented, the declaration) of `member` of interface `iface` (under `namespace` when given); undefined when it is. */
function documents(lines: string[], line: number, symbol: string): string | undefined {
  const parts = symbol.split(".");
  const member = parts.pop()!;
  const iface = parts.pop()!;
  const namespace = parts.pop();
  // A doc comment's line, or the declaration itself where the member has none.
  let i = line - 1;
  const undocumented = new RegExp(`^\\s*${member}\\??:`).test(lines[i] ?? "");
  if (!undocumented && !/^\s*\*/.test(lines[i] ?? "")) return `line ${line} is neither a doc comment nor the declaration of ${member}: ${lines[i]}`;
  if (undocumented) i--;
  else while (i < lines.length && !lines[i]!.includes("*/")) i++;
  const declaration = lines[i + 1] ?? "";
  if (!new RegExp(`^\\s*${member}\\??:`).test(declaration)) return `the comment at line ${line} documents ${declaration.trim()}, not ${member}`;
  let j = i;
  while (j >= 0 && !/^\s*(export )?interface \w+/.test(lines[j]!)) j--;
  const enclosing = /interface (\w+)/.exec(lines[j] ?? "")?.[1];
  if (enclosing !== iface) return `line ${line} is in interface ${enclosing}, not ${iface}`;
  if (namespace) {
    let k = j;
    while (k >= 0 && !/^export declare namespace \w+ \{/.test(lines[k]!)) k--;
    const ns = /namespace (\w+)/.exec(lines[k] ?? "")?.[1];
    if (ns !== namespace) return `line ${line} is in namespace ${ns}, not ${namespace}`;
  }
  return undefined;
}

describe("the contracts' citations", () => {
  const all = [...everyContract()];

  it("every rule cites a source", () => {
    expect(all.length).toBeGreaterThan(300);
    for (const [path, contract] of all) expect(contract.cite.trim(), path).not.toBe("");
  });

  it("every line cited in an installed declaration file is the doc comment of the member it names", () => {
    const versions = {
      aws: JSON.parse(readFileSync(join(projectRoot, "node_modules/@pulumi/aws/package.json"), "utf8")).version,
      cloudflare: JSON.parse(readFileSync(join(projectRoot, "node_modules/@pulumi/cloudflare/package.json"), "utf8")).version,
    };
    expect(versions).toEqual(installedVersions);
    let checked = 0;
    const problems: string[] = [];
    for (const [path, contract] of all) {
      for (const m of contract.cite.matchAll(installedCite)) {
        checked++;
        const problem = documents(linesOf(m[1]!, m[2]!), Number(m[3]), m[4]!);
        if (problem) problems.push(`${path}: ${m[0]}: ${problem}`);
      }
    }
    expect(problems).toEqual([]);
    expect(checked).toBeGreaterThan(250);
  });

  it("every API page cited is one of those read", () => {
    const pages = new Set(Object.values(apiPagesRead).map((p) => p.split(" ")[0]!));
    for (const [path, contract] of all) {
      for (const url of contract.cite.match(/https:\/\/\S+?(?=[:;,)\s]|$)/g) ?? []) expect(pages.has(url), `${path}: ${url}`).toBe(true);
    }
  });

  it("a citation of a provider file nobody read does not type-check", () => {
    // The builders take the file as a key of the table of files read: this line must stay an error.
    const source = readFileSync(join(__dirname, "citations.typecheck.ts"), "utf8");
    expect(source).toMatch(/@ts-expect-error[^\n]*\n\s*awsAttribute\("elbv2\/not_read\.go"/);
  });
});
