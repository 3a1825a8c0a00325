import { describe, expect, it } from "vitest";
import { runPlan, runPlanOnConfig, stackConfig } from "../../support/runPlan";

describe("the first deploy's delegation phase", () => {
  it("plans a new prod stack as zones only, and prints what to set at the registrar and how to check it", () => {
    const config = stackConfig("prod");
    delete config["edge:dns"].delegation;
    const run = runPlanOnConfig(config);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const types = [...new Set(run.json!.resources.filter((r) => r.custom).map((r) => r.type))].sort();
    // Query logging starts with the zone (DnsQueryLog): its key, log group, write access and the log itself.
    expect(types).toEqual([
      "aws:cloudwatch/logGroup:LogGroup",
      "aws:cloudwatch/logResourcePolicy:LogResourcePolicy",
      "aws:kms/key:Key",
      "aws:route53/delegationSet:DelegationSet",
      "aws:route53/queryLog:QueryLog",
      "aws:route53/record:Record",
      "aws:route53/zone:Zone",
      "cloudflare:index/dnsRecord:DnsRecord",
      "cloudflare:index/zone:Zone",
      "cloudflare:index/zoneDnsSettings:ZoneDnsSettings",
    ]);
    const servers = run.json!.stackOutputs!.registrarNameServers as string[];
    expect(servers).toHaveLength(6);
    expect(run.stdout).toContain("== Delegation ==\nPhase: pending.");
    expect(run.stdout).toContain(`set exactly these name servers (\`pulumi stack output registrarNameServers\`): ${servers.join(" ")}`);
    expect(run.stdout).toContain("`dig +norec NS example.com @$(dig +short NS com | head -1)`");
    expect(run.stdout).toContain("172800 s = 48 h");
    expect(run.stdout).toContain("Then set `edge:dns.delegation: delegated`");
    expect(run.json!.stackOutputs!.delegationSteps).toEqual(expect.arrayContaining([expect.stringContaining("dig +norec NS example.com")]));
  });

  it("shows the delegated phase in the prod plan, the same registrar list, and that a zone replacement is an outage", () => {
    const run = runPlan(["--stack", "prod"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("== Delegation ==\nPhase: delegated. The registrar must list these name servers (active-active)");
    expect(run.stdout).toContain("A replaced Route 53 zone is deleted before its successor is created");
    expect(run.json!.stackOutputs!.registrarNameServers).toHaveLength(6);
  });
});
