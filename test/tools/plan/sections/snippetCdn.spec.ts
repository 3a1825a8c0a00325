/**
 * The snippet CDN through `npm run plan`: the prod report shows the CDN with two origins in two
 * regions and the snippet objects; a replica in the origin's own region exits 1; a public bucket
 * policy in the planned resources is refused by the real pack over the Analyzer protocol.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runPolicyPack } from "../../../../tools/plan/analyzer";
import type { PlannedResource } from "../../../../tools/plan/evaluate";
import { devPolicyConfigPath, PlanRun, projectRoot, runPlan, runPlanOnConfig, stackConfig } from "../../../support/runPlan";
import { resourceTypes } from "../../../../models/resourceTypes";

let prod: PlanRun;

beforeAll(() => {
  prod = runPlan(["--stack", "prod"]);
});

describe("Snippet CDN in the plan", () => {
  it("shows the prod CDN with two origins in two regions and both snippet objects", () => {
    expect(prod.code).toBe(0);
    const section = prod.stdout.split("== Snippet CDN ==")[1].split("\n== ")[0];
    expect(section).toContain("cdn.example.com → d");
    expect(section).toContain("fails over on 403/404/500/502/503/504");
    expect(section).toMatch(/1\. origin .*\.s3\.us-east-1\.amazonaws\.com {2}\[us-east-1\] {2}OAC yes/);
    expect(section).toMatch(/2\. replica .*\.s3\.us-west-2\.amazonaws\.com {2}\[us-west-2\] {2}OAC yes/);
    expect(section).toMatch(/\/v1\.0\.0\/edge\.[0-9a-f]{12}\.js .* application\/javascript; charset=utf-8 {2}Cache-Control: public, max-age=31536000, immutable/);
    expect(section).toContain("/loader.js");
    expect(prod.json!.stackOutputs!.snippetUrl).toBe("https://cdn.example.com/loader.js");
  });

  it("exits 1 when the replica is in the origin's region: a distribution that cannot fail over to another region", () => {
    const config = stackConfig("dev");
    config["edge:cdn"] = { replicaRegion: "us-east-1" };
    const run = runPlanOnConfig(config, ["--policy-config", devPolicyConfigPath]);
    expect(run.code).toBe(1);
    const violation = run.json!.violations.find((v) => v.policyName === "enforce-cdn-origin-failover")!;
    expect(violation.enforcementLevel).toBe("mandatory");
    expect(violation.message).toContain("both origins of origin group snippet-origins are in us-east-1; required are 2 different regions");
    expect(violation.message).toContain("Incident 000");
    expect(run.json!.resources.find((r) => r.urn === violation.urn)!.type).toBe(resourceTypes.cloudfrontDistribution);
  });

  it("refuses a public bucket policy on the planned origin, through the pack's own server", async () => {
    const resources: PlannedResource[] = prod.json!.resources.map((r) => {
      // As the engine sends them at the end of an update: with what the providers computed (the
      // Cloudflare zone's own name servers, which it serves at the apex beside the declared ones).
      const inputs =
        r.type === resourceTypes.s3BucketPolicy && r.name === "cdn-origin-policy"
          ? { ...r.inputs, policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "*" }] }) }
          : r.type === resourceTypes.cloudflareZone
            ? { ...r.inputs, nameServers: prod.json!.stackOutputs!.secondaryNameServers }
            : r.inputs;
      return {
        ...r,
        aliases: r.aliases ?? [],
        propertyDependencies: r.propertyDependencies ?? {},
        provider: "",
        region: r.region ?? undefined,
        inputs,
        outputs: inputs,
        options: { protect: false, deleteBeforeReplace: false, ignoreChanges: [], additionalSecretOutputs: [], retainOnDelete: false },
      };
    });
    const config = JSON.parse(readFileSync(join(projectRoot, "policies", "config", "prod.json"), "utf8"));
    const run = await runPolicyPack({ packDir: join(projectRoot, "policies"), stack: "prod", project: "edge", resources, config });
    const mandatory = run.violations.filter((v) => v.enforcementLevel === "mandatory");
    // The public grant is refused for itself; the statement replaced the deny of plain HTTP, and the
    // origin no longer meets the conditions of the waivers its bucket rules take.
    expect([...new Set(mandatory.map((v) => v.policyName))].sort()).toEqual(["disallow-public-bucket", "enable-bucket-access-logs", "enable-bucket-event-notifications", "enforce-bucket-tls"]);
    mandatory.sort((a, b) => Number(b.policyName === "disallow-public-bucket") - Number(a.policyName === "disallow-public-bucket"));
    expect(mandatory[0].message).toContain('Bucket policy cdn-origin-policy: statement 1 allows Principal "*" with no AWS:SourceArn condition');
  });
});
