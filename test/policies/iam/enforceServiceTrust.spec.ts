import { describe, expect, it } from "vitest";
import { enforceServiceTrust } from "../../../policies/iam/enforceServiceTrust";
import { runResourcePolicy } from "../harness";
import { resourceTypes } from "../../../models/resourceTypes";

const trust = (principal: unknown, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: principal, Action: "sts:AssumeRole", ...extra }] });
const run = (assumeRolePolicy: unknown) => runResourcePolicy(enforceServiceTrust, { type: resourceTypes.iamRole, props: { name: "ingest-host", assumeRolePolicy }, name: "ingest-host" });
const fixFor = (controls: string) => `Trust only the AWS service that uses the role: Principal: { Service: "ec2.amazonaws.com" }. Security baseline${controls}.`;
const fix = fixFor(" (CKV_AWS_60)");

describe("enforce-service-trust", () => {
  it("accepts service principals, as a string or a list", async () => {
    expect(await run(trust({ Service: "ec2.amazonaws.com" }))).toEqual([]);
    expect(await run(trust({ Service: ["ec2.amazonaws.com", "s3.amazonaws.com"] }))).toEqual([]);
  });

  it("refuses an any-principal trust policy (hand edit) with its control ids", async () => {
    expect(await run(trust("*"))).toEqual([`role ingest-host's trust policy statement 0 trusts Principal "*": any AWS account may assume the role. ${fix}`]);
    expect(await run(trust({ AWS: "*" }))).toEqual([`role ingest-host's trust policy statement 0 trusts AWS principal(s) *: only AWS service principals may assume host and service roles. ${fix}`]);
  });

  it("refuses accounts, federated principals, wildcard services and NotPrincipal", async () => {
    expect((await run(trust({ AWS: "arn:aws:iam::210987654321:root" })))[0]).toContain("trusts AWS principal(s) arn:aws:iam::210987654321:root");
    expect((await run(trust({ Federated: "arn:aws:iam::1:oidc-provider/token.actions.githubusercontent.com" })))[0]).toContain("trusts Federated principal(s)");
    expect((await run(trust({ Service: "*.amazonaws.com" })))[0]).toContain("a wildcard matches every service");
    const notPrincipal = JSON.stringify({ Statement: [{ Effect: "Allow", NotPrincipal: { AWS: "arn:aws:iam::1:root" }, Action: "sts:AssumeRole" }] });
    expect((await run(notPrincipal))[0]).toContain("uses NotPrincipal with Allow");
  });

  it("refuses a trust policy that does not parse", async () => {
    expect((await run("{not json"))[0]).toMatch(/^role ingest-host's trust policy is not valid JSON/);
  });
});
