/**
 * A new stack starts in the pending phase whatever file it starts from: `npm run new-stack` makes
 * its file from either shipped stack (both `delegated`, planning the whole edge), leaves out what
 * was the source stack's own, and lists what the delegated phase needs as the schema reports it.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newStackFile, sourcePolicyConfig } from "../../../tools/newStack/newStack";
import { parseStackConfig, StackConfigError } from "../../../stacks/schema";
import { projectRoot, runPlan } from "../../support/runPlan";

let dir: string;
beforeAll(() => (dir = mkdtempSync(join(tmpdir(), "edge-new-stack-"))));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const source = (stack: string) => ({ path: `stacks/Pulumi.${stack}.yaml`, text: readFileSync(join(projectRoot, "stacks", `Pulumi.${stack}.yaml`), "utf8") });
const edgeOf = (text: string) => Object.fromEntries(Object.entries(parse(text).config as Record<string, unknown>).flatMap(([k, v]) => (k.startsWith("edge:") ? [[k.slice(5), v]] : [])));

describe("the shipped stack files", () => {
  it("say delegated, so they plan the whole edge for the README's main job", () => {
    for (const stack of ["dev", "prod"]) expect(parse(source(stack).text).config["edge:dns"].delegation, stack).toBe("delegated");
  });
});

describe("npm run new-stack", () => {
  it.each(["dev", "prod"])(
    "makes a pending stack from the %s file, which plans the zones only",
    (from) => {
      const made = newStackFile({ stack: "staging", domain: "staging.example.com", source: source(from) });
      const edge = edgeOf(made.text) as Record<string, any>;
      expect(edge.dns.delegation).toBe("pending");
      expect(edge.domain).toBe("staging.example.com");
      // The source stack's own: its release and its datastores.
      expect(edge.ingest.bundle).toBeUndefined();
      expect(edge.datastore.endpoints).toBeUndefined();
      expect(made.removed).toEqual(expect.arrayContaining([expect.stringMatching(/^edge:ingest\.bundle /), expect.stringMatching(/^edge:datastore\.endpoints /)]));
      // What the delegated phase needs, exactly as the schema refuses it, listed in the header.
      let problems: string[] = [];
      try {
        parseStackConfig({ ...edge, dns: { ...edge.dns, delegation: "delegated" } }, "staging");
      } catch (err) {
        problems = (err as StackConfigError).problems;
      }
      expect(problems.length).toBeGreaterThan(1);
      expect(made.delegatedNeeds).toEqual(problems);
      for (const need of problems) expect(made.text).toContain(`#   - ${need}`);
      const file = join(dir, `Pulumi.staging-${from}.yaml`);
      writeFileSync(file, made.text);
      // As `npm run new-stack` leaves it: the source stack's policy config beside the new file.
      const policyConfig = sourcePolicyConfig(projectRoot, `stacks/Pulumi.${from}.yaml`);
      expect(policyConfig).toBe(join(projectRoot, "policies", "config", `${from}.json`));
      const run = runPlan(["--stack", "staging", "--config-file", file, "--policy-config", policyConfig!]);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toContain("Phase: pending.");
      expect(run.json!.resources.filter((r) => r.custom).length).toBeLessThan(40);
    },
    180_000,
  );

  it("leaves out an adopted zone and the source's secrets", () => {
    const text = [
      "config:",
      "  aws:region: us-east-1",
      "  edge:domain: example.com",
      "  edge:regions: [us-east-1, us-west-2]",
      "  edge:dns:",
      "    delegation: delegated",
      "    primary:",
      "      existingZoneId: Z0123456789ABCDEFGHIJ",
      "    secondary:",
      "      accountId: 0123456789abcdef0123456789abcdef",
      "  edge:alarms:",
      "    emails: [a@example.com]",
      "    webhookUrl:",
      "      secure: v1:abc",
      "  edge:ingest:",
      "    availabilityZones: 2",
      "    availabilityZoneIds: {us-east-1: [use1-az1, use1-az2], us-west-2: [usw2-az1, usw2-az2]}",
      "    imageIds: {us-east-1: ami-0123456789abcdef0, us-west-2: ami-0fedcba9876543210}",
    ].join("\n");
    const made = newStackFile({ stack: "team-b", domain: "b.example.com", source: { path: "other.yaml", text } });
    const edge = edgeOf(made.text) as Record<string, any>;
    expect(edge.dns.primary ?? {}).not.toHaveProperty("existingZoneId");
    expect(edge.alarms).not.toHaveProperty("webhookUrl");
    expect(made.removed).toEqual(["edge:dns.primary.existingZoneId (the source stack's hosted zone)", "edge:alarms.webhookUrl (a secret of the source stack, encrypted with its key)"]);
  });

  it("never writes over an existing stack's file", () => {
    const run = spawnSync(process.execPath, ["--import", "tsx", join(projectRoot, "tools/newStack/main.ts"), "--stack", "dev", "--domain", "x.example.com"], {
      cwd: projectRoot,
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("Pulumi.dev.yaml exists: a new stack's file is never written over an existing one");
  });
});
