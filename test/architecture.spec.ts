/**
 * The architecture, checked: layers point one way (models are pure; components use no tools; the
 * policy pack imports only models and the packages it declares; product code imports no test code),
 * no run-time import cycle, every config field documented in the one schema, every policy with its
 * metadata, provider type tokens spelled only in models/resourceTypes.ts. Each rule also runs over a fixture tree holding one deliberate violation, so a check
 * that could never fail would show here.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { incidents } from "../models/incidents";
import { packEntries } from "../policies/pack";
import { stackConfigSchema } from "../stacks/schema";
import { importCycles, importGraph, layerProblems, policyMetadataProblems, sourceFiles, typeTokenLiterals, undescribedFields, type PolicyDeclaration } from "./support/architecture";

const root = path.join(__dirname, "..");
const fixtures = path.join(__dirname, "fixtures", "architecture");

function declaredPackages(packageJson: string): string[] {
  const manifest = JSON.parse(readFileSync(packageJson, "utf8")) as { dependencies?: Record<string, string>; devDependencies?: Record<string, string> };
  return Object.keys({ ...manifest.dependencies, ...manifest.devDependencies });
}

/** The layer problems and cycles of one tree. */
function check(treeRoot: string, excluded: string[] = []) {
  const edges = importGraph(treeRoot, sourceFiles(treeRoot, excluded));
  const policyManifest = path.join(treeRoot, "policies", "package.json");
  let policyPackages: string[] = [];
  try {
    policyPackages = declaredPackages(policyManifest);
  } catch {
    // A fixture tree without a policy pack declares no packages.
  }
  return { edges, layers: layerProblems(edges, { policyPackages }), cycles: importCycles(edges) };
}

describe("the project's architecture", () => {
  let project: ReturnType<typeof check>;
  // Parses, compiles and resolves every file once: about 3 s here at a load average of 17.
  beforeAll(() => {
    project = check(root, ["test/fixtures/architecture"]);
  }, 120_000);

  it("reads the imports of every part of the project", () => {
    const layers = new Set(project.edges.map((e) => e.from.split("/")[0]));
    for (const layer of ["models", "stacks", "components", "tools", "policies", "bench", "gameday", "harness", "service", "test"]) expect(layers).toContain(layer);
    expect(project.edges.length).toBeGreaterThan(1000);
  });

  it("keeps its layers pointing one way", () => {
    expect(project.layers).toEqual([]);
  });

  it("has no run-time import cycle", () => {
    expect(project.cycles).toEqual([]);
  });

  it("spells provider type tokens only in models/resourceTypes.ts", () => {
    expect(typeTokenLiterals(root, sourceFiles(root, ["test/fixtures/architecture"]))).toEqual([]);
  });

  it("describes every field of the stack config schema (the README's config table is generated from the descriptions)", () => {
    const fields = z.toJSONSchema(stackConfigSchema, { io: "input", unrepresentable: "any" });
    expect(JSON.stringify(fields)).toContain("worker");
    expect(undescribedFields(fields)).toEqual([]);
  });

  it("declares every policy's name, description, enforcement level, severity, remediation and incident", () => {
    const policyFiles = sourceFiles(path.join(root, "policies"))
      .filter((f) => f.includes("/"))
      .map((f) => readFileSync(path.join(root, "policies", f), "utf8"));
    const declarations: PolicyDeclaration[] = packEntries.map(({ policy, metadata }) => ({
      name: policy.name,
      description: policy.description,
      enforcementLevel: policy.enforcementLevel,
      severity: metadata.severity,
      remediationSteps: metadata.remediationSteps,
      incident: metadata.incident,
      // The file whose doc comment opens with the policy's name, else the one that spells the name.
      fileText: policyFiles.find((text) => new RegExp(`^/\\*\\*\\s*\\n\\s*\\* ${policy.name} — `).test(text)) ?? policyFiles.find((text) => text.includes(`"${policy.name}"`)),
    }));
    expect(declarations.length).toBeGreaterThan(40);
    expect(policyMetadataProblems(declarations, Object.keys(incidents))).toEqual([]);
  });
});

describe("the architecture checks, each on a deliberate violation", () => {
  it("a model importing @pulumi/* fails", () => {
    expect(check(path.join(fixtures, "modelImportsPulumi")).layers).toEqual([
      'models/stackName.ts imports "@pulumi/pulumi": models are pure (no @pulumi/* imports), so policies, components and tools share them',
    ]);
  });

  it('a model importing "../stacks/schema" fails', () => {
    expect(check(path.join(fixtures, "modelImportsStacks")).layers).toEqual([
      'models/namespace.ts imports "../stacks/schema": models import no stacks/ (layers point one way: stacks/ imports models/)',
    ]);
  });

  it("a component importing tools/ fails", () => {
    expect(check(path.join(fixtures, "componentImportsTools")).layers).toEqual([
      'components/memory.ts imports "../tools/format": components import no tools/ (move the shared code to models/)',
    ]);
  });

  it("a policy importing a package the pack does not declare, or stacks/, fails (a declared package passes)", () => {
    expect(check(path.join(fixtures, "policyImportsUndeclared")).layers).toEqual([
      'policies/ttl.ts imports "zod": the policy pack imports only models/, its own files and the packages policies/package.json declares',
      'policies/ttl.ts imports "../stacks/limits": the policy pack imports only models/, its own files and the packages policies/package.json declares',
    ]);
  });

  it("product code importing test code fails", () => {
    expect(check(path.join(fixtures, "productImportsTest")).layers).toEqual([
      'bench/listen.ts imports "../test/support/freePort": product code imports no test code (shared harnesses live in harness/)',
    ]);
  });

  it("a run-time import cycle fails; type-only imports and import() do not make one", () => {
    const tree = check(path.join(fixtures, "cycle"));
    expect(tree.cycles).toEqual(["models/records.ts -> models/zone.ts -> models/records.ts"]);
    const providerEdges = tree.edges.filter((e) => e.from === "models/provider.ts" || e.specifier === "./provider");
    expect(providerEdges.map((e) => ({ from: e.from, runtime: e.runtime, dynamic: e.dynamic }))).toEqual([
      { from: "models/provider.ts", runtime: false, dynamic: false },
      { from: "models/provider.ts", runtime: true, dynamic: true },
      { from: "models/zone.ts", runtime: false, dynamic: false },
    ]);
  });

  it("a type token spelled outside models/resourceTypes.ts fails (test code and a token inside a sentence do not)", () => {
    const tree = path.join(fixtures, "typeTokenLiteral");
    expect(typeTokenLiterals(tree, sourceFiles(tree))).toEqual([
      'tools/prices.ts:5 spells the type token "cloudflare:index/zone:Zone": name it through models/resourceTypes.ts (one home for each type token)',
      'tools/prices.ts:7 spells the type token "aws:sns/topicPolicy:TopicPolicy": name it through models/resourceTypes.ts (one home for each type token)',
    ]);
  });

  it("a schema field without .describe() fails, also inside a list", () => {
    const schema = z.object({
      dns: z.object({ ttl: z.number().describe("TTL in seconds."), provider: z.string() }).describe("DNS."),
      records: z.array(z.object({ name: z.string() })).describe("Records."),
    });
    expect(undescribedFields(z.toJSONSchema(schema, { io: "input" }))).toEqual(["dns.provider", "records[].name"]);
  });

  it("a policy without its metadata fails", () => {
    const fileText = "/**\n * enforce-x — mandatory. Incident 000.\n */\nexport const x = { name: \"enforce-x\" };\n";
    const good: PolicyDeclaration = { name: "enforce-x", description: "Does x.", enforcementLevel: "mandatory", severity: "high", remediationSteps: "Do y.", incident: "000", fileText };
    expect(policyMetadataProblems([good], ["000"])).toEqual([]);
    expect(policyMetadataProblems([{ ...good, description: " " }], ["000"])).toEqual(["enforce-x: no description (the README's policy table shows it)"]);
    expect(policyMetadataProblems([{ ...good, enforcementLevel: undefined }], ["000"])).toEqual([
      'enforce-x: enforcementLevel is undefined, expected one of advisory, mandatory, remediate, disabled',
      'enforce-x: its file\'s doc comment must open with "enforce-x — undefined" (then the incident or "Security baseline", and the rule)',
    ]);
    expect(policyMetadataProblems([{ ...good, severity: "urgent" }], ["000"])).toEqual(['enforce-x: severity is "urgent", expected one of low, medium, high, critical (policies/metadata.ts)']);
    expect(policyMetadataProblems([{ ...good, remediationSteps: "" }], ["000"])).toEqual(["enforce-x: no remediation steps (policies/metadata.ts; Pulumi Cloud shows them beside the finding)"]);
    expect(policyMetadataProblems([{ ...good, incident: undefined }], ["000"])).toEqual([]);
    expect(policyMetadataProblems([{ ...good, incident: "009" }], ["000"])).toEqual(['enforce-x: incident "009" is not one of models/incidents.ts (000)']);
    expect(policyMetadataProblems([{ ...good, name: "EnforceX" }], ["000"])[0]).toBe("EnforceX: the name must be kebab-case, e.g. enforce-proxy-memory");
    expect(policyMetadataProblems([{ ...good, fileText: "export const x = 1;\n" }], ["000"])).toEqual([
      'enforce-x: its file\'s doc comment must open with "enforce-x — mandatory" (then the incident or "Security baseline", and the rule)',
    ]);
    expect(policyMetadataProblems([good, good], ["000"])).toEqual(["enforce-x: two policies share this name"]);
  });
});
