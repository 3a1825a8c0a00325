/**
 * The project's layering rules, checked over the import graph the TypeScript compiler sees. Each
 * import of every .ts/.mts file is resolved as the compiler resolves it (tsconfig's `node16`), and
 * marked run-time or type-only the way the compiler decides: an import is run-time when the
 * compiled JavaScript keeps it (so `import { T }` used only as a type is type-only: tsx and esbuild
 * elide it).
 *
 * Written as functions over a root directory so the architecture spec runs them over the project
 * and over small fixture trees holding one deliberate violation each.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { builtinModules } from "node:module";
import path from "node:path";
import { transformSync } from "esbuild";
import ts from "typescript";

export interface ImportEdge {
  /** Importing file, relative to the root, `/`-separated. */
  from: string;
  /** The specifier as written. */
  specifier: string;
  /** The project file it resolves to (relative to the root), when it is one. */
  file?: string;
  /** The package it names (`@pulumi/aws`, `zod`, `node:fs`), when it is not a project file. */
  packageName?: string;
  /** Whether the import survives compilation (a value import, `require`, or `import()`). */
  runtime: boolean;
  /** A dynamic `import()`: run-time, but evaluated after its importer, so no load-order cycle. */
  dynamic: boolean;
}

// What .gitignore leaves out is not the project's code: dependencies, builds, and the host
// rehearsal's cached Debian root under .cache (a whole file system, broken symlinks and all).
const skippedDirectories = new Set(["node_modules", ".git", "dist", ".cache"]);

/** Every .ts and .mts file under `root` (node_modules, dist, .cache and the `excluded` folders left out), relative, `/`-separated, sorted. */
export function sourceFiles(root: string, excluded: readonly string[] = []): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir)) {
      const full = path.join(dir, entry);
      const rel = toPosix(path.relative(root, full));
      if (skippedDirectories.has(entry) || excluded.some((e) => rel === e || rel.startsWith(`${e}/`))) continue;
      if (statSync(full).isDirectory()) walk(full);
      else if (/\.m?ts$/.test(entry) && !entry.endsWith(".d.ts")) out.push(rel);
    }
  };
  walk(root);
  return out.sort();
}

const toPosix = (p: string) => p.split(path.sep).join("/");

function packageOf(specifier: string): string {
  if (specifier.startsWith("node:") || builtinModules.includes(specifier.split("/")[0]!)) return specifier.startsWith("node:") ? specifier : `node:${specifier}`;
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0]!;
}

/** The module specifiers a file names: static imports and re-exports, `import x = require()`, `require()` and `import()`. */
function specifiersOf(source: ts.SourceFile): { specifier: string; typeOnly: boolean; dynamic: boolean; call: boolean }[] {
  const found: { specifier: string; typeOnly: boolean; dynamic: boolean; call: boolean }[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const bindings = clause?.namedBindings;
      const allNamedTypeOnly = !!bindings && ts.isNamedImports(bindings) && bindings.elements.length > 0 && bindings.elements.every((e) => e.isTypeOnly) && !clause?.name;
      found.push({ specifier: node.moduleSpecifier.text, typeOnly: !!clause?.isTypeOnly || allNamedTypeOnly, dynamic: false, call: false });
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      found.push({ specifier: node.moduleSpecifier.text, typeOnly: node.isTypeOnly, dynamic: false, call: false });
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference) && ts.isStringLiteral(node.moduleReference.expression)) {
      found.push({ specifier: node.moduleReference.expression.text, typeOnly: node.isTypeOnly, dynamic: false, call: true });
    } else if (ts.isCallExpression(node) && node.arguments.length === 1 && ts.isStringLiteralLike(node.arguments[0]!)) {
      const callee = node.expression;
      if (callee.kind === ts.SyntaxKind.ImportKeyword) found.push({ specifier: node.arguments[0].text, typeOnly: false, dynamic: true, call: true });
      else if (ts.isIdentifier(callee) && callee.text === "require") found.push({ specifier: node.arguments[0].text, typeOnly: false, dynamic: false, call: true });
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      found.push({ specifier: node.argument.literal.text, typeOnly: true, dynamic: false, call: false });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/**
 * The specifiers of the static imports and re-exports the compiled JavaScript keeps: what the
 * compiler did not elide as type-only. esbuild compiles as tsx runs the project (tsx is esbuild),
 * dropping an import whose bindings are used only as types; it does so about ten times faster than
 * `ts.transpileModule`, which decides the same.
 */
function keptStaticSpecifiers(text: string, fileName: string): Set<string> {
  const js = transformSync(text, { loader: "ts", format: "esm", target: "es2022", sourcefile: fileName }).code;
  const kept = new Set<string>();
  for (const statement of ts.createSourceFile(`${fileName}.js`, js, ts.ScriptTarget.ES2022).statements) {
    if ((ts.isImportDeclaration(statement) || ts.isExportDeclaration(statement)) && statement.moduleSpecifier && ts.isStringLiteral(statement.moduleSpecifier))
      kept.add(statement.moduleSpecifier.text);
  }
  return kept;
}

/** Every import of every file under `root`, resolved with the project's compiler options. */
export function importGraph(root: string, files: readonly string[]): ImportEdge[] {
  const options: ts.CompilerOptions = { module: ts.ModuleKind.Node16, moduleResolution: ts.ModuleResolutionKind.Node16, resolveJsonModule: true, allowJs: true };
  const host = ts.createCompilerHost(options);
  const edges: ImportEdge[] = [];
  for (const file of files) {
    const fileName = path.join(root, file);
    const text = readFileSync(fileName, "utf8");
    const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.ES2022, true);
    const kept = keptStaticSpecifiers(text, fileName);
    for (const { specifier, typeOnly, dynamic, call } of specifiersOf(source)) {
      const runtime = !typeOnly && (call || kept.has(specifier));
      if (!specifier.startsWith(".") && !specifier.startsWith("/")) {
        edges.push({ from: file, specifier, packageName: packageOf(specifier), runtime, dynamic });
        continue;
      }
      const resolved = ts.resolveModuleName(specifier, fileName, options, host).resolvedModule;
      const target = resolved ? toPosix(path.relative(root, resolved.resolvedFileName)) : undefined;
      if (target === undefined || target.startsWith("..") || target.includes("node_modules/")) {
        throw new Error(`${file}: cannot resolve ${JSON.stringify(specifier)} to a file of the project`);
      }
      edges.push({ from: file, specifier, file: target, runtime, dynamic });
    }
  }
  return edges;
}

/** A file's top-level folder (`models`, `stacks`), or `.` for a file at the root. */
export const layerOf = (file: string) => (file.includes("/") ? file.split("/")[0]! : ".");

/** Test code: everything under `test/`, and a package's own `test/` folder (`service/test/`). */
export const isTestCode = (file: string) => file.startsWith("test/") || /^[^/]+\/test\//.test(file);

export interface LayerRules {
  /** Packages the policy pack declares (policies/package.json), which policies may import. */
  policyPackages: readonly string[];
}

/** The layering problems among `edges`, one line each: importer, what it imports, and the rule. */
export function layerProblems(edges: readonly ImportEdge[], rules: LayerRules): string[] {
  const problems: string[] = [];
  for (const edge of edges) {
    const from = layerOf(edge.from);
    const to = edge.file ? layerOf(edge.file) : undefined;
    const what = `${edge.from} imports ${JSON.stringify(edge.specifier)}`;
    if (from === "models") {
      if (edge.packageName?.startsWith("@pulumi/")) problems.push(`${what}: models are pure (no @pulumi/* imports), so policies, components and tools share them`);
      if (to && ["stacks", "components", "tools", "policies"].includes(to)) problems.push(`${what}: models import no ${to}/ (layers point one way: ${to}/ imports models/)`);
    }
    if (from === "components" && to === "tools") problems.push(`${what}: components import no tools/ (move the shared code to models/)`);
    if (from === "policies" && !isTestCode(edge.from)) {
      const allowed = to ? to === "models" || to === "policies" : edge.packageName!.startsWith("node:") || rules.policyPackages.includes(edge.packageName!);
      if (!allowed) problems.push(`${what}: the policy pack imports only models/, its own files and the packages policies/package.json declares`);
    }
    if (!isTestCode(edge.from) && edge.file && isTestCode(edge.file)) problems.push(`${what}: product code imports no test code (shared harnesses live in harness/)`);
  }
  return problems;
}

/** Every run-time import cycle among project files (static imports only; type-only and `import()` excluded), each as `a -> b -> a`. */
export function importCycles(edges: readonly ImportEdge[]): string[] {
  const next = new Map<string, string[]>();
  for (const edge of edges) {
    if (!edge.file || !edge.runtime || edge.dynamic) continue;
    next.set(edge.from, [...(next.get(edge.from) ?? []), edge.file]);
  }
  // Tarjan's strongly connected components; each component of more than one file (or a self-import) is a cycle.
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  let counter = 0;
  const connect = (node: string) => {
    index.set(node, counter);
    low.set(node, counter++);
    stack.push(node);
    onStack.add(node);
    for (const to of next.get(node) ?? []) {
      if (!index.has(to)) {
        connect(to);
        low.set(node, Math.min(low.get(node)!, low.get(to)!));
      } else if (onStack.has(to)) low.set(node, Math.min(low.get(node)!, index.get(to)!));
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1 || (next.get(node) ?? []).includes(node)) components.push(component);
    }
  };
  for (const node of [...next.keys()].sort()) if (!index.has(node)) connect(node);
  return components.map((component) => {
    // One concrete loop through the component, from its first file in sorted order.
    const members = new Set(component);
    const start = [...component].sort()[0]!;
    const pathTo = (from: string, seen: string[]): string[] | undefined => {
      for (const to of next.get(from) ?? []) {
        if (to === start) return [...seen, to];
        if (members.has(to) && !seen.includes(to)) {
          const found = pathTo(to, [...seen, to]);
          if (found) return found;
        }
      }
      return undefined;
    };
    const loop = pathTo(start, [start])!;
    const others = [...component].filter((file) => !loop.includes(file)).sort();
    return loop.join(" -> ") + (others.length > 0 ? ` (and ${others.join(", ")} in the same cycle)` : "");
  });
}

/** Paths of the object fields in a JSON Schema (zod's `z.toJSONSchema`) that carry no description. */
export function undescribedFields(schema: unknown, at = ""): string[] {
  if (typeof schema !== "object" || schema === null) return [];
  const node = schema as Record<string, unknown>;
  const out: string[] = [];
  const properties = (node.properties ?? {}) as Record<string, Record<string, unknown>>;
  for (const [key, child] of Object.entries(properties)) {
    const here = at ? `${at}.${key}` : key;
    if (typeof child?.description !== "string" || child.description.trim() === "") out.push(here);
    out.push(...undescribedFields(child, here));
  }
  for (const nested of ["items", "additionalProperties"]) if (typeof node[nested] === "object") out.push(...undescribedFields(node[nested], `${at}[]`));
  for (const alternatives of ["anyOf", "oneOf", "allOf"]) for (const option of (node[alternatives] as unknown[] | undefined) ?? []) out.push(...undescribedFields(option, at));
  return [...new Set(out)];
}

export interface PolicyDeclaration {
  name: string;
  description?: string;
  enforcementLevel?: string;
  /** From the policy's metadata record (policies/metadata.ts). */
  severity?: string;
  remediationSteps?: string;
  /** The post-mortem its metadata names; absent for the plain security baseline. */
  incident?: string;
  /** The source text of the file that declares the policy. */
  fileText?: string;
}

/**
 * Metadata problems of the pack's policies: a kebab-case name, a description, an enforcement level,
 * a severity, remediation steps, a known incident (or none, for the security baseline), and a file
 * whose doc comment opens with `name — level`.
 */
export function policyMetadataProblems(policies: readonly PolicyDeclaration[], incidentIds: readonly string[]): string[] {
  const levels = ["advisory", "mandatory", "remediate", "disabled"];
  const severities = ["low", "medium", "high", "critical"];
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const policy of policies) {
    const label = policy.name || "(a policy without a name)";
    if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(policy.name)) problems.push(`${label}: the name must be kebab-case, e.g. enforce-proxy-memory`);
    if (seen.has(policy.name)) problems.push(`${label}: two policies share this name`);
    seen.add(policy.name);
    if (!policy.description?.trim()) problems.push(`${label}: no description (the README's policy table shows it)`);
    if (!policy.enforcementLevel || !levels.includes(policy.enforcementLevel))
      problems.push(`${label}: enforcementLevel is ${JSON.stringify(policy.enforcementLevel)}, expected one of ${levels.join(", ")}`);
    if (!policy.severity || !severities.includes(policy.severity))
      problems.push(`${label}: severity is ${JSON.stringify(policy.severity)}, expected one of ${severities.join(", ")} (policies/metadata.ts)`);
    if (!policy.remediationSteps?.trim()) problems.push(`${label}: no remediation steps (policies/metadata.ts; Pulumi Cloud shows them beside the finding)`);
    if (policy.incident !== undefined && !incidentIds.includes(policy.incident))
      problems.push(`${label}: incident ${JSON.stringify(policy.incident)} is not one of models/incidents.ts (${incidentIds.join(", ")})`);
    if (policy.fileText === undefined) problems.push(`${label}: no file under policies/ declares it`);
    else if (!new RegExp(`^/\\*\\*\\s*\\n\\s*\\*\\s*${policy.name} — ${policy.enforcementLevel}\\b`).test(policy.fileText)) {
      problems.push(`${label}: its file's doc comment must open with "${policy.name} — ${policy.enforcementLevel}" (then the incident or "Security baseline", and the rule)`);
    }
  }
  return problems;
}

/** The text of a provider's type or function token as the engine spells it: `aws:ec2/launchTemplate:LaunchTemplate`, `cloudflare:index/zone:Zone`. */
const typeTokenPattern = /^(aws|cloudflare):[A-Za-z0-9]+\/[A-Za-z0-9]+:[A-Za-z0-9]+$/;

/** The one file that spells provider type tokens; everything else names them through it. */
export const typeTokenHome = "models/resourceTypes.ts";

/**
 * Product files (not test code) holding a provider type token as a string literal outside
 * models/resourceTypes.ts, one line each with the file, line and token.
 */
export function typeTokenLiterals(root: string, files: readonly string[]): string[] {
  const problems: string[] = [];
  for (const file of files) {
    if (isTestCode(file) || file === typeTokenHome) continue;
    const text = readFileSync(path.join(root, file), "utf8");
    if (!/(aws|cloudflare):/.test(text)) continue;
    const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
    const visit = (node: ts.Node) => {
      if ((ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) && typeTokenPattern.test(node.text)) {
        const line = source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
        problems.push(`${file}:${line} spells the type token "${node.text}": name it through ${typeTokenHome} (one home for each type token)`);
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return problems;
}

export interface SizeLimits {
  /** Most lines a product file may have. */
  fileLines: number;
  /** Most lines a product function (declaration, method, accessor, constructor, arrow or function expression) may span. */
  functionLines: number;
}

export interface SizeProblem {
  file: string;
  /** The function's name (`class.method`, `outer/<arrow>`), absent for the file itself. */
  what?: string;
  lines: number;
  limit: number;
}

/** What a function node is called, for the report: its own name, else the variable or property it is assigned to, else `<anonymous>`. */
function functionLabel(node: ts.FunctionLikeDeclaration, source: ts.SourceFile): string {
  if (ts.isConstructorDeclaration(node)) return "constructor";
  if (node.name) return node.name.getText(source);
  const parent = node.parent;
  if (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent)) return parent.name.getText(source);
  return "<anonymous>";
}

/**
 * Product files (not test code) over `limits.fileLines` lines, and product functions spanning
 * more than `limits.functionLines` lines (from the line the function starts on to its last),
 * measured with the TypeScript parser.
 */
export function sizeProblems(root: string, files: readonly string[], limits: SizeLimits): SizeProblem[] {
  const problems: SizeProblem[] = [];
  for (const file of files) {
    if (isTestCode(file)) continue;
    const text = readFileSync(path.join(root, file), "utf8");
    const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
    const fileLines = source.getLineAndCharacterOfPosition(text.trimEnd().length).line + 1;
    if (fileLines > limits.fileLines) problems.push({ file, lines: fileLines, limit: limits.fileLines });
    const visit = (node: ts.Node, within: string[]) => {
      let inside = within;
      if (ts.isFunctionLike(node) && "body" in node && node.body) {
        const fn = node as ts.FunctionLikeDeclaration;
        const label = [...within, functionLabel(fn, source)].join("/");
        const lines = source.getLineAndCharacterOfPosition(fn.getEnd()).line - source.getLineAndCharacterOfPosition(fn.getStart(source)).line + 1;
        if (lines > limits.functionLines) problems.push({ file, what: label, lines, limit: limits.functionLines });
        inside = [...within, functionLabel(fn, source)];
      } else if (ts.isClassDeclaration(node) && node.name) inside = [...within, node.name.text];
      ts.forEachChild(node, (child) => visit(child, inside));
    };
    visit(source, []);
  }
  return problems;
}

/** One line of a size problem: `stacks/schema.ts: 935 lines (limit 400)`, `tools/x.ts: function render: 140 lines (limit 100)`. */
export const describeSizeProblem = (p: SizeProblem) => `${p.file}: ${p.what ? `function ${p.what}: ` : ""}${p.lines} lines (limit ${p.limit})`;

/** The config keys a program source reads itself (`config.dns.ttl` → `dns`), as `line: expression`; the mappers of stacks/ read them instead. */
export function configKeyReads(fileName: string, text: string, configName = "config"): string[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.ES2022, true);
  const reads: string[] = [];
  const visit = (node: ts.Node) => {
    if ((ts.isPropertyAccessExpression(node) || ts.isElementAccessExpression(node)) && ts.isIdentifier(node.expression) && node.expression.text === configName) {
      reads.push(`${source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1}: ${node.getText(source)}`);
    } else if (ts.isVariableDeclaration(node) && ts.isObjectBindingPattern(node.name) && node.initializer && ts.isIdentifier(node.initializer) && node.initializer.text === configName) {
      reads.push(`${source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1}: ${node.getText(source)}`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return reads;
}
