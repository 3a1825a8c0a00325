/**
 * What a reviewer needs to see of values: a deleted record's name, type, TTL and values; a rotated
 * secret as `[secret] → [secret]` from its ciphertext; a plain-text value where a secret belongs.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { diffPlans } from "../../../tools/diff/planDiff";
import { renderDiff } from "../../../tools/diff/render";
import type { PlanJson, PlanJsonResource } from "../../../tools/plan/planJson";
import { readStackFile } from "../../../tools/plan/stackFile";

const record = (name: string, type: string, inputs: Record<string, unknown>): PlanJsonResource => ({
  urn: `urn:pulumi:prod::edge::${type}::${name}`,
  type,
  name,
  parent: "",
  custom: true,
  region: null,
  inputs,
  dependencies: [],
});

const plan = (resources: PlanJsonResource[], secrets?: PlanJson["secrets"]): PlanJson => ({ stack: "prod", resources, violations: [], ...(secrets ? { secrets } : {}) });

/** A stack file's secrets as the plan reads them. */
function stackSecrets(yaml: string) {
  const dir = mkdtempSync(join(tmpdir(), "edge-secrets-"));
  try {
    writeFileSync(join(dir, "Pulumi.prod.yaml"), yaml);
    const file = readStackFile(join(dir, "Pulumi.prod.yaml"));
    return { digests: file.secretDigests, plaintext: file.plaintextSecrets };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("values in the diff", () => {
  it("shows a deleted record's name, type, TTL and values, for each provider", () => {
    const route53 = record("dns-route53-a-host", "aws:route53/record:Record", { zoneId: "Z0", name: "host.example.com", type: "A", ttl: 60, records: ["192.0.2.2", "192.0.2.1"] });
    const cloudflare = record("dns-cloudflare-txt", "cloudflare:index/dnsRecord:DnsRecord", { zoneId: "z", name: "example.com", type: "TXT", ttl: 300, content: '"v=spf1 -all"' });
    const diff = diffPlans(plan([route53, cloudflare]), plan([]));
    for (const format of ["markdown", "text"] as const) {
      const out = renderDiff(diff, format);
      expect(out).toContain("-  aws:route53/record:Record  dns-route53-a-host  (served host.example.com A 60 192.0.2.1 192.0.2.2)");
      expect(out).toContain("-  cloudflare:index/dnsRecord:DnsRecord  dns-cloudflare-txt  (served example.com TXT 300 v=spf1 -all)");
    }
  });

  it("shows a rotated secret as [secret] → [secret] from its ciphertext, never the value", () => {
    const before = stackSecrets("config:\n  edge:alarms.webhookUrl:\n    secure: AAABAOldCiphertext\n");
    const after = stackSecrets("config:\n  edge:alarms.webhookUrl:\n    secure: AAABANewCiphertext\n");
    expect(before.digests["edge:alarms.webhookUrl"]).toMatch(/^[0-9a-f]{16}$/);
    const diff = diffPlans(plan([], before), plan([], after));
    expect(diff.secrets).toEqual([{ path: "edge:alarms.webhookUrl", change: "rotated", takenBy: [] }]);
    const markdown = renderDiff(diff, "markdown");
    expect(markdown).toContain("- `edge:alarms.webhookUrl`: [secret] → [secret] (rotated: the ciphertext changed)");
    expect(markdown).not.toContain("Ciphertext");
    expect(diffPlans(plan([], before), plan([], before)).secrets).toEqual([]);
  });

  it("flags a plain-text value where a secret belongs as a risk", () => {
    const secrets = stackSecrets("config:\n  edge:alarms:\n    webhookUrl: https://hooks.example.com/T000/B000/XXXX\n  edge:domain: example.com\n");
    expect(secrets.plaintext).toEqual(["edge:alarms.webhookUrl"]);
    const diff = diffPlans(plan([]), plan([], secrets));
    expect(diff.risks).toMatchObject([{ kind: "secret-in-plain-text" }]);
    expect(diff.risks[0]!.message).toContain("edge:alarms.webhookUrl is in plain text in the stack file where a secret belongs");
    expect(diff.risks[0]!.message).not.toContain("hooks.example.com");
  });
});
