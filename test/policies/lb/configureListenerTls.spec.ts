import { describe, expect, it } from "vitest";
import { configureListenerTls } from "../../../policies/lb/configureListenerTls";
import { runResourcePolicy } from "../harness";
import { resourceTypes } from "../../../models/resourceTypes";

const compliant = { loadBalancerArn: "arn:lb", port: 443, protocol: "TLS", certificateArn: "arn:cert", sslPolicy: "ELBSecurityPolicy-TLS13-1-2-Res-2021-06" };
const run = (props: Record<string, unknown>, type: string = resourceTypes.lbListener, config = {}) => runResourcePolicy(configureListenerTls, { type, props, name: "ingest-tls" }, config);

describe("configure-listener-tls", () => {
  it("accepts a TLS listener with a policy ELB.17 recommends, on lb.Listener and alb.Listener", async () => {
    expect(await run(compliant)).toEqual([]);
    expect(await run(compliant, resourceTypes.albListener)).toEqual([]);
    expect(await run({ ...compliant, protocol: "HTTPS" })).toEqual([]);
  });

  it("refuses a plain-TCP listener (hand edit) with the controls that refuse TCP: ELB.18, not CKV_AWS_2 or AVD-AWS-0054, which pass it", async () => {
    expect(await run({ ...compliant, protocol: "TCP", certificateArn: undefined, sslPolicy: undefined })).toEqual([
      "listener ingest-tls (port 443) speaks TCP: traffic crosses the internet in clear text; required is one of TLS, HTTPS. " +
        'Set protocol: "TLS" with a certificateArn and sslPolicy "ELBSecurityPolicy-TLS13-1-2-Res-2021-06". Security baseline (ELB.18, CKV2_AWS_74).',
    ]);
    expect(await run({ ...compliant, protocol: "HTTP" }, resourceTypes.albListener)).toEqual([
      expect.stringMatching(/speaks HTTP: traffic crosses the internet in clear text.*Security baseline \(ELB\.18, CKV_AWS_2, CKV2_AWS_74, AVD-AWS-0054\)\.$/),
    ]);
  });

  it("refuses the console's default TLS 1.3 policy, which ELB.17 no longer recommends (CBC ciphers under TLS 1.2)", async () => {
    expect(await run({ ...compliant, sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06" })).toEqual([expect.stringContaining("Security baseline (ELB.17, CKV_AWS_103, CKV2_AWS_74, AVD-AWS-0047).")]);
  });

  it("refuses a weak TLS policy (hand edit) with its control ids", async () => {
    expect(await run({ ...compliant, sslPolicy: "ELBSecurityPolicy-TLS-1-0-2015-04" })).toEqual([
      "listener ingest-tls (port 443) uses security policy ELBSecurityPolicy-TLS-1-0-2015-04, which is not among the 8 allowed (the policies Security Hub recommends: TLS 1.3, or TLS 1.2 with ECDHE AES-GCM only). " +
        'Set sslPolicy: "ELBSecurityPolicy-TLS13-1-2-Res-2021-06". Security baseline (ELB.17, CKV_AWS_103, CKV2_AWS_74, AVD-AWS-0047).',
    ]);
  });

  it("refuses a TLS listener that leaves the policy to the AWS default", async () => {
    const [message] = await run({ ...compliant, sslPolicy: undefined });
    expect(message).toContain("ELBSecurityPolicy-2016-08 (the AWS default: sslPolicy not set)");
  });

  it("reads the allow-list from policy config", async () => {
    expect(await run(compliant, resourceTypes.lbListener, { allowedSslPolicies: ["ELBSecurityPolicy-TLS13-1-3-2021-06"] })).toHaveLength(1);
  });
});
