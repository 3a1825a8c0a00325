/**
 * Secrets never reach what the plan prints or writes: a stack file with `secure:` values (the
 * Cloudflare API token, a secret webhook URL nested in edge:alarms as `pulumi config set --secret
 * --path` stores it) plans, and neither stdout, stderr nor the JSON holds the ciphertext, the
 * offline stand-in of the webhook, or anything but `[secret]` where a secret flowed.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { explainSecretProblems, offlineSecretStandIns, readStackFile } from "../../../tools/plan/stackFile";
import { devPolicyConfigPath, PlanRun, runPlanOnConfig, stackConfig } from "../../support/runPlan";
import { resourceTypes } from "../../../models/resourceTypes";

const tokenCiphertext = "v1:Q2xvdWRmbGFyZVRva2VuQ2lwaGVydGV4dA==:tokenSOURCE";
const webhookCiphertext = "v1:V2ViaG9va0NpcGhlcnRleHQ=:webhookSOURCE";

describe("secrets in the offline plan", () => {
  let run: PlanRun;
  beforeAll(() => {
    const config = stackConfig("dev");
    config["cloudflare:apiToken"] = { secure: tokenCiphertext };
    config["edge:alarms"] = { ...config["edge:alarms"], webhookUrl: { secure: webhookCiphertext } };
    run = runPlanOnConfig(config, ["--policy-config", devPolicyConfigPath]);
  });

  it("plans a stack whose Cloudflare token and webhook URL are secrets", () => {
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
  });

  it("subscribes the webhook with its endpoint masked as [secret]", () => {
    const webhooks = run.json!.resources.filter((r) => r.type === resourceTypes.snsTopicSubscription && r.inputs.protocol === "https");
    expect(webhooks.length).toBeGreaterThan(0);
    for (const subscription of webhooks) expect(subscription.inputs.endpoint).toBe("[secret]");
  });

  it("records which stack-file secret each masked input is made from, so a rotation is a change of that input", () => {
    const webhooks = run.json!.resources.filter((r) => r.type === resourceTypes.snsTopicSubscription && r.inputs.protocol === "https");
    for (const subscription of webhooks) expect(subscription.secretInputs).toEqual({ endpoint: ["edge:alarms.webhookUrl"] });
    expect(run.json!.resources.filter((r) => r.secretInputs).length).toBe(webhooks.length);
    expect(Object.keys(run.json!.secrets!.digests).sort()).toEqual(["cloudflare:apiToken", "edge:alarms.webhookUrl"]);
  });

  it("prints and writes neither the ciphertexts nor the webhook's offline stand-in", () => {
    const everything = run.stdout + run.stderr + JSON.stringify(run.json);
    for (const leak of [tokenCiphertext, webhookCiphertext, "tokenSOURCE", "webhookSOURCE", offlineSecretStandIns["edge:alarms.webhookUrl"]]) {
      expect(everything.includes(leak), `the plan shows ${leak}`).toBe(false);
    }
  });
});

describe("reading secure: values from a stack file", () => {
  const dir = mkdtempSync(join(tmpdir(), "edge-secrets-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("marks a key with a nested secure: leaf secret and gives the program a stand-in of the right shape", () => {
    const file = join(dir, "Pulumi.s.yaml");
    writeFileSync(
      file,
      ["config:", "  cloudflare:apiToken:", `    secure: ${tokenCiphertext}`, "  edge:alarms:", "    emails: [a@example.com]", "    webhookUrl:", `      secure: ${webhookCiphertext}`, ""].join("\n"),
    );
    const stack = readStackFile(file);
    expect(stack.secretKeys.sort()).toEqual(["cloudflare:apiToken", "edge:alarms"]);
    expect(stack.config["cloudflare:apiToken"]).toBe("[secret]");
    expect(stack.edge.alarms).toEqual({ emails: ["a@example.com"], webhookUrl: "https://webhook.offline-plan.invalid/secret" });
    expect(JSON.stringify(stack)).not.toContain("SOURCE");
  });

  it("says why a secret key fails the schema offline", () => {
    expect(explainSecretProblems(["edge:domain: expected a lowercase DNS name", "edge:regions: required, but not set"], ["edge:domain"])).toEqual([
      "edge:domain: expected a lowercase DNS name (edge:domain is a secret in the stack file: the offline plan cannot decrypt it and sees [secret]; " +
        "keep this key in plain text, only edge:alarms.webhookUrl may be secret)",
      "edge:regions: required, but not set",
    ]);
  });
});
