/**
 * pr-check's SARIF: each violation at the stack-file line of the config key it names, or at its
 * policy's source; annotations for the most severe, escaped as GitHub's workflow commands need.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { diffPlans } from "../../../tools/diff/planDiff";
import type { PlanJson } from "../../../tools/plan/planJson";
import type { StackReport } from "../../../tools/prCheck/report";
import { annotations, lineOfConfigKey, locate, toSarif } from "../../../tools/prCheck/sarif";
import { projectRoot } from "../../support/runPlan";

const devFile = readFileSync(join(projectRoot, "stacks", "Pulumi.dev.yaml"), "utf8");
const lineOf = (text: string) => devFile.split("\n").findIndex((l) => l.trim() === text) + 1;

const ttl = {
  policyName: "enforce-failover-ttl",
  enforcementLevel: "mandatory",
  urn: "urn:a",
  subject: "api A",
  message: "api A has TTL 3600 s. Set edge:dns.ttl (or this record's ttl) to 300 or less.",
};
const parity = { policyName: "enforce-provider-parity", enforcementLevel: "advisory", urn: "urn:b", message: "api A differs:\nroute53 serves [1], cloudflare serves [2]." };

function report(violations: PlanJson["violations"]): StackReport {
  const head: PlanJson = {
    stack: "dev",
    resources: [],
    violations,
    policyPack: { name: "edge-policies", version: "0.1.0", policies: [{ name: "enforce-failover-ttl", description: "TTLs within bounds.", enforcementLevel: "mandatory" }] },
  };
  return { stack: "dev", head: { code: 1, json: head, stderr: "" }, base: { code: 0, json: { ...head, violations: [] }, stderr: "" }, diff: diffPlans({ ...head, violations: [] }, head) };
}

describe("SARIF locations", () => {
  it("finds a nested config key's line in the stack file, and the deepest part declared", () => {
    expect(lineOfConfigKey(devFile, "edge:dns.ttl")).toBe(lineOf("ttl: 60"));
    expect(lineOfConfigKey(devFile, "edge:dns.notDeclared")).toBe(lineOf("edge:dns:"));
    expect(lineOfConfigKey(devFile, "edge:nothing")).toBeUndefined();
  });

  it("puts a violation at its config key, else at its policy's source", () => {
    expect(locate(projectRoot, "dev", ttl)).toEqual({ uri: "stacks/Pulumi.dev.yaml", line: lineOf("ttl: 60") });
    const source = locate(projectRoot, "dev", parity);
    expect(source.uri).toBe("policies/dns/enforceProviderParity.ts");
    expect(readFileSync(join(projectRoot, source.uri), "utf8").split("\n")[source.line - 1]).toContain('name: "enforce-provider-parity"');
  });

  it("writes SARIF 2.1.0 with one rule per policy and each result's level, location and fingerprint", () => {
    const sarif = toSarif(projectRoot, [report([ttl, parity])]);
    expect(sarif.version).toBe("2.1.0");
    expect(sarif.$schema).toBe("https://json.schemastore.org/sarif-2.1.0.json");
    const [run] = sarif.runs;
    expect(run!.tool.driver.rules.map((r) => r.id)).toEqual(["enforce-failover-ttl", "enforce-provider-parity"]);
    expect(run!.results).toMatchObject([
      { ruleId: "enforce-failover-ttl", level: "error", locations: [{ physicalLocation: { artifactLocation: { uri: "stacks/Pulumi.dev.yaml" }, region: { startLine: lineOf("ttl: 60") } } }] },
      { ruleId: "enforce-provider-parity", level: "warning" },
    ]);
    expect(run!.results[0]!.partialFingerprints.edgeFinding).toBe("dev|enforce-failover-ttl|urn:a|api A");
  });

  it("carries risks (a refused one as an error), plain-text secrets, and stacks the head breaks", () => {
    const base: PlanJson = { stack: "dev", resources: [], violations: [] };
    const head: PlanJson = { ...base, secrets: { digests: {}, plaintext: ["edge:alarms.webhookUrl"] } };
    const risky: StackReport = { stack: "dev", base: { code: 0, json: base, stderr: "" }, head: { code: 0, json: head, stderr: "" }, diff: diffPlans(base, head) };
    const broken: StackReport = { stack: "prod", base: { code: 0, json: { ...base, stack: "prod" }, stderr: "" }, head: { code: 2, stderr: "edge:regions: required, but not set\n" } };
    broken.diff = undefined;
    const results = toSarif(projectRoot, [risky, broken]).runs[0]!.results;
    const secret = results.find((r) => r.ruleId === "edge-risk/secret-in-plain-text")!;
    expect(secret.level).toBe("warning");
    // At the line of the key to make secret.
    expect(secret.locations[0]!.physicalLocation.artifactLocation.uri).toBe("stacks/Pulumi.dev.yaml");
    expect(secret.locations[0]!.physicalLocation.region.startLine).toBe(lineOf("edge:alarms:"));
    const stack = results.find((r) => r.ruleId === "edge-plan/broken-stack")!;
    expect(stack).toMatchObject({ level: "error", message: { text: expect.stringContaining("[prod] the stack's plan exits 2 at this pull request") } });
    expect(stack.message.text).toContain("edge:regions: required, but not set");
  });

  it("annotates the most severe first, escaped for workflow commands", () => {
    const lines = annotations(toSarif(projectRoot, [report([parity, ttl])]), 10);
    expect(lines[0]).toBe(`::error file=stacks/Pulumi.dev.yaml,line=${lineOf("ttl: 60")},title=enforce-failover-ttl::[dev] ${ttl.message}`);
    expect(lines[1]).toMatch(/^::warning file=policies\/dns\/enforceProviderParity.ts,line=\d+,title=enforce-provider-parity::\[dev\] api A differs:%0Aroute53/);
    expect(annotations(toSarif(projectRoot, [report([parity, ttl])]), 1)).toHaveLength(1);
  });
});
