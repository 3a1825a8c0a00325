/** The instance metadata stand-in: IMDSv2's token flow as the hosts' curl calls use it, and what EC2 refuses. */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CredentialStore } from "../../../../tools/rehearse/standins/identity";
import { type Imds, imdsHopLimitNftRules, startImds } from "../../../../tools/rehearse/standins/imds";
import { request } from "./support";

describe("instance metadata (IMDSv2 only)", () => {
  const store = new CredentialStore("123456789012");
  let clock = Date.now();
  let imds: Imds;
  let base = "";
  const instance = { instanceId: "i-0aaaaaaaaaaaaaaa1", localIpv4: "127.0.0.1", availabilityZone: "us-east-1a", roleName: "edge-dev-host" };
  const other = { instanceId: "i-0bbbbbbbbbbbbbbb2", localIpv4: "127.0.0.2", availabilityZone: "us-east-1b", roleName: "edge-dev-host" };

  beforeAll(async () => {
    imds = await startImds({ address: "127.0.0.1", port: 0, region: "us-east-1", store, instances: [instance, other], now: () => new Date(clock) });
    base = `http://127.0.0.1:${imds.port}/latest`;
  });
  afterAll(() => imds?.stop());

  const token = async (localAddress = "127.0.0.1", ttl = "300") => {
    const reply = await request(`${base}/api/token`, { method: "PUT", headers: { "X-aws-ec2-metadata-token-ttl-seconds": ttl }, localAddress });
    expect(reply.status).toBe(200);
    expect(reply.headers["x-aws-ec2-metadata-token-ttl-seconds"]).toBe(ttl);
    return reply.body;
  };
  const get = (path: string, tok?: string, localAddress = "127.0.0.1") => request(`${base}/${path}`, { headers: tok ? { "X-aws-ec2-metadata-token": tok } : {}, localAddress });

  it("answers the hosts' calls with curl as the bundle fetch makes them, and its credentials document parses with the fetch's sed", async () => {
    const script = `
set -eu
imds=${base}
token=$(curl -fsS -X PUT -H "X-aws-ec2-metadata-token-ttl-seconds: 300" "$imds/api/token")
md() { curl -fsS -H "X-aws-ec2-metadata-token: $token" "$imds/$1"; }
region=$(md meta-data/placement/region)
role=$(md meta-data/iam/security-credentials/)
creds=$(md "meta-data/iam/security-credentials/$role")
field() { printf '%s' "$creds" | sed -n "s/.*\\"$1\\" *: *\\"\\([^\\"]*\\)\\".*/\\1/p"; }
printf '%s\\n' "$region" "$role" "$(field AccessKeyId)" "$(field SecretAccessKey)" "$(field Token)" "$(md meta-data/autoscaling/target-lifecycle-state)"`;
    const { stdout } = await promisify(execFile)("sh", ["-c", script], { timeout: 60_000 });
    const current = imds.credentialsOf(instance.instanceId);
    expect(stdout.split("\n").slice(0, 6)).toEqual(["us-east-1", "edge-dev-host", current.accessKeyId, current.secretAccessKey, current.sessionToken, "InService"]);
    expect(current.accessKeyId).toMatch(/^ASIA[A-Z2-7]{16}$/);
    expect(store.lookup(current.accessKeyId)?.principal.arn).toBe("arn:aws:sts::123456789012:assumed-role/edge-dev-host/i-0aaaaaaaaaaaaaaa1");
  });

  it("serves the documents EC2 documents: credentials, iam/info, the identity document, listings", async () => {
    const tok = await token();
    const creds = JSON.parse((await get("meta-data/iam/security-credentials/edge-dev-host", tok)).body) as Record<string, string>;
    expect(Object.keys(creds)).toEqual(["Code", "LastUpdated", "Type", "AccessKeyId", "SecretAccessKey", "Token", "Expiration"]);
    expect(creds).toMatchObject({ Code: "Success", Type: "AWS-HMAC" });
    expect(Date.parse(creds.Expiration!) - clock).toBeGreaterThan(5 * 3600_000);
    expect(JSON.parse((await get("meta-data/iam/info", tok)).body)).toMatchObject({ Code: "Success", InstanceProfileArn: "arn:aws:iam::123456789012:instance-profile/edge-dev-host" });
    expect(JSON.parse((await get("dynamic/instance-identity/document", tok)).body)).toMatchObject({
      accountId: "123456789012",
      instanceId: "i-0aaaaaaaaaaaaaaa1",
      region: "us-east-1",
      availabilityZone: "us-east-1a",
      privateIp: "127.0.0.1",
    });
    expect((await get("meta-data/placement/availability-zone", tok)).body).toBe("us-east-1a");
    expect((await get("meta-data/instance-id", tok)).body).toBe("i-0aaaaaaaaaaaaaaa1");
    expect((await get("meta-data/local-ipv4", tok)).body).toBe("127.0.0.1");
    expect((await get("meta-data/placement/", tok)).body).toBe("availability-zone\nregion");
    expect((await get("meta-data/iam/", tok)).body).toBe("info\nsecurity-credentials/");
    expect((await get("meta-data/", tok)).body.split("\n")).toEqual(expect.arrayContaining(["autoscaling/", "iam/", "instance-id", "local-ipv4", "placement/"]));
  });

  it("each caller is its own instance, and a token works only on the instance it was issued to", async () => {
    const mine = await token("127.0.0.2");
    expect((await get("meta-data/instance-id", mine, "127.0.0.2")).body).toBe("i-0bbbbbbbbbbbbbbb2");
    expect((await get("meta-data/instance-id", mine, "127.0.0.1")).status).toBe(401);
  });

  it("refuses: a GET without a token or with an unknown one (401); a TTL missing, 0, over 21,600 or not a number (400); a PUT with X-Forwarded-For (403)", async () => {
    expect((await get("meta-data/placement/region")).status).toBe(401);
    expect((await get("meta-data/placement/region", "AQAEAnot-a-token")).status).toBe(401);
    expect((await request(`${base}/api/token`, { method: "PUT" })).status).toBe(400);
    for (const ttl of ["0", "21601", "abc", "-5"]) expect((await request(`${base}/api/token`, { method: "PUT", headers: { "X-aws-ec2-metadata-token-ttl-seconds": ttl } })).status, ttl).toBe(400);
    expect(await token("127.0.0.1", "21600")).not.toBe("");
    expect((await request(`${base}/api/token`, { method: "PUT", headers: { "X-aws-ec2-metadata-token-ttl-seconds": "300", "X-Forwarded-For": "10.1.2.3" } })).status).toBe(403);
    expect((await request(`${base}/api/token`, { method: "GET" })).status).toBe(405);
    const tok = await token();
    expect((await get("meta-data/no-such-thing", tok)).status).toBe(404);
    expect((await get("meta-data/iam/security-credentials/another-role", tok)).status).toBe(404);
    expect((await get("meta-data/constructor", tok)).status).toBe(404);
    const verdicts = imds.requests.map((r) => r.verdict);
    expect(verdicts).toEqual(expect.arrayContaining(["Unauthorized", "MissingOrInvalidParameters", "Forbidden", "NotFound"]));
  });

  it("a token expires after its TTL; credentials are renewed before they expire; the lifecycle state follows Auto Scaling", async () => {
    const tok = await token("127.0.0.1", "60");
    expect((await get("meta-data/instance-id", tok)).status).toBe(200);
    const before = imds.credentialsOf(instance.instanceId);
    clock += 61_000;
    expect((await get("meta-data/instance-id", tok)).status).toBe(401);
    clock = before.expiration!.getTime() - 10 * 60_000;
    const renewed = JSON.parse((await get(`meta-data/iam/security-credentials/edge-dev-host`, await token())).body) as { AccessKeyId: string };
    expect(renewed.AccessKeyId).not.toBe(before.accessKeyId);
    imds.setLifecycleState(instance.instanceId, "Terminated");
    expect((await get("meta-data/autoscaling/target-lifecycle-state", await token())).body).toBe("Terminated");
  });

  it("the hop limit is an nftables rule for the stand-in's namespace", () => {
    expect(imdsHopLimitNftRules("169.254.169.254", 80, 1)).toContain("ip saddr 169.254.169.254 tcp sport 80 ip ttl set 1");
    expect(() => imdsHopLimitNftRules("169.254.169.254", 80, 0)).toThrow("hopLimit: expected an integer from 1 to 64 (EC2's HttpPutResponseHopLimit), got 0");
  });
});
