/**
 * The SSM stand-in: the service's own password read (service/src/password.ts, the SDK's default
 * credential chain through the metadata stand-in, TLS from the test CA), the SDK client's calls,
 * and each refusal SSM makes.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import https from "node:https";
import type { LookupFunction } from "node:net";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { GetParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { fromInstanceMetadata } from "@smithy/credential-provider-imds";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CredentialStore } from "../../../../tools/rehearse/standins/identity";
import { type Imds, startImds } from "../../../../tools/rehearse/standins/imds";
import { type Ssm, startSsm } from "../../../../tools/rehearse/standins/ssm";
import { signRequest } from "../../../../tools/rehearse/standins/sigv4";
import { createTestCa, issueServerCertificate } from "../../../../tools/rehearse/standins/testCa";
import { request } from "./support";

const region = "us-east-1";
const passwordName = "/edge/dev/datastore/password";
const repoRoot = path.resolve(__dirname, "../../../..");

describe("SSM GetParameter", () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "edge-standins-ssm-"));
  const store = new CredentialStore("123456789012");
  const ca = createTestCa(path.join(dir, "ca"));
  // "localhost" only for the child process below, which cannot resolve the AWS name to the stand-in.
  const cert = issueServerCertificate(ca, "ssm", [`ssm.${region}.amazonaws.com`, "localhost"]);
  let ssm: Ssm;
  let imds: Imds;
  const instance = { instanceId: "i-0aaaaaaaaaaaaaaa1", localIpv4: "127.0.0.1", availabilityZone: "us-east-1a", roleName: "edge-dev-host" };

  beforeAll(async () => {
    ssm = await startSsm({
      address: "127.0.0.1",
      port: 0,
      region,
      store,
      tls: cert,
      parameters: [
        { name: passwordName, type: "SecureString", value: "correct horse battery staple" },
        { name: "/edge/dev/plain", type: "String", value: "plain value" },
      ],
      roleGrants: { "edge-dev-host": { getParameter: [`arn:aws:ssm:${region}:123456789012:parameter/edge/dev/*`] } },
    });
    imds = await startImds({ address: "127.0.0.1", port: 0, region, store, instances: [instance] });
  });
  afterAll(async () => {
    delete process.env.AWS_EC2_METADATA_SERVICE_ENDPOINT;
    await ssm?.stop();
    await imds?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** The SDK's client, its TLS trusting the test CA and the endpoint's name resolving to the stand-in. */
  const client = (credentials: NonNullable<ConstructorParameters<typeof SSMClient>[0]>["credentials"], clientRegion = region) => {
    const lookup: LookupFunction = (_hostname, options, callback) => (options.all ? callback(null, [{ address: "127.0.0.1", family: 4 }]) : callback(null, "127.0.0.1", 4));
    return new SSMClient({
      region: clientRegion,
      endpoint: `https://ssm.${region}.amazonaws.com:${ssm.port}`,
      credentials,
      maxAttempts: 1,
      requestHandler: new NodeHttpHandler({ httpsAgent: new https.Agent({ ca: readFileSync(ca.certFile), lookup }) }),
    });
  };
  const imdsCredentials = () => {
    process.env.AWS_EC2_METADATA_SERVICE_ENDPOINT = `http://127.0.0.1:${imds.port}`;
    return fromInstanceMetadata({ timeout: 10_000, maxRetries: 1 });
  };
  const errorOf = async (promise: Promise<unknown>) =>
    promise.then(
      () => undefined,
      (error: { name: string; message: string; $metadata?: { httpStatusCode?: number } }) => ({ name: error.name, message: error.message, status: error.$metadata?.httpStatusCode }),
    );

  it("the service's readPassword, as on a host: default credential chain through instance metadata, NODE_EXTRA_CA_CERTS, WithDecryption", async () => {
    const program = `require("./service/src/password").readPassword({ awsRegion: "${region}", dbPasswordParameter: "${passwordName}", connectTimeoutMs: 1000 }).then((p) => console.log(JSON.stringify(p)), (e) => { console.error(e.name + ": " + e.message); process.exit(1); })`;
    const home = path.join(dir, "home");
    const env = {
      PATH: process.env.PATH!,
      HOME: home,
      NODE_EXTRA_CA_CERTS: ca.certFile,
      AWS_ENDPOINT_URL_SSM: `https://localhost:${ssm.port}`,
      AWS_EC2_METADATA_SERVICE_ENDPOINT: `http://127.0.0.1:${imds.port}`,
    };
    const { stdout } = await promisify(execFile)(process.execPath, ["--require", "tsx/cjs", "-e", program], { cwd: repoRoot, env, timeout: 90_000 });
    expect(JSON.parse(stdout)).toBe("correct horse battery staple");
    expect(ssm.requests.at(-1)).toMatchObject({ action: `GetParameter ${passwordName}`, verdict: "OK", detail: "decrypted" });
    expect(imds.requests.map((r) => r.action)).toEqual(expect.arrayContaining(["PUT /latest/api/token", "GET /latest/meta-data/iam/security-credentials/edge-dev-host"]));
  });

  it("the SDK client with instance-profile credentials: WithDecryption false gives a SecureString's ciphertext, a String's value either way; UpdateInstanceInformation is counted", async () => {
    const ssmClient = client(imdsCredentials());
    try {
      const encrypted = await ssmClient.send(new GetParameterCommand({ Name: passwordName, WithDecryption: false }));
      expect(encrypted.Parameter).toMatchObject({
        Name: passwordName,
        Type: "SecureString",
        Version: 1,
        ARN: `arn:aws:ssm:${region}:123456789012:parameter/edge/dev/datastore/password`,
        DataType: "text",
      });
      expect(encrypted.Parameter?.Value).toMatch(/^AQICAH[A-Za-z0-9+/]{60,}=*$/);
      expect(Buffer.from(encrypted.Parameter!.Value!, "base64").toString("latin1")).not.toContain("battery");
      expect(encrypted.Parameter?.LastModifiedDate).toBeInstanceOf(Date);
      const byArn = await ssmClient.send(new GetParameterCommand({ Name: `arn:aws:ssm:${region}:123456789012:parameter/edge/dev/plain`, WithDecryption: true }));
      expect(byArn.Parameter?.Value).toBe("plain value");
    } finally {
      ssmClient.destroy();
    }
    // SSM Agent's registration is not in the SDK's model: signed here as the agent signs it (SigV4, service ssm).
    const url = `https://ssm.${region}.amazonaws.com/`;
    const body = JSON.stringify({ InstanceId: instance.instanceId, AgentName: "amazon-ssm-agent", AgentVersion: "3.3.0.0", PlatformName: "Debian GNU/Linux", PlatformType: "Linux" });
    const send = (payload: string) =>
      request(url, {
        method: "POST",
        headers: signRequest({
          method: "POST",
          url,
          headers: { "content-type": "application/x-amz-json-1.1", "x-amz-target": "AmazonSSM.UpdateInstanceInformation" },
          body: payload,
          region,
          service: "ssm",
          credentials: imds.credentialsOf(instance.instanceId),
        }),
        body: payload,
        ca: readFileSync(ca.certFile),
        connectTo: { address: "127.0.0.1", port: ssm.port },
      });
    expect((await send(body)).status).toBe(200);
    expect((await send(body)).status).toBe(200);
    expect(ssm.registrations().get(instance.instanceId)).toBe(2);
    const invalid = await send("{}");
    expect({ status: invalid.status, type: (JSON.parse(invalid.body) as { __type: string }).__type }).toEqual({ status: 400, type: "ValidationException" });
  });

  it("refuses as SSM does: ParameterNotFound, AccessDeniedException, UnrecognizedClientException, InvalidSignatureException (secret, region), MissingAuthenticationTokenException", async () => {
    const session = imds.credentialsOf(instance.instanceId);
    const clients = [
      client(imdsCredentials()),
      client({ accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" }),
      client({ ...session, secretAccessKey: `x${session.secretAccessKey}` }),
      client({ ...session, sessionToken: undefined }),
      client(imdsCredentials(), "eu-west-1"),
    ];
    const [role, unknown, wrongSecret, noToken, otherRegion] = clients;
    try {
      expect(await errorOf(role!.send(new GetParameterCommand({ Name: "/edge/dev/missing", WithDecryption: true })))).toMatchObject({ name: "ParameterNotFound", status: 400 });
      expect(await errorOf(role!.send(new GetParameterCommand({ Name: "/edge/prod/datastore/password", WithDecryption: true })))).toEqual({
        name: "AccessDeniedException",
        status: 400,
        message: `User: arn:aws:sts::123456789012:assumed-role/edge-dev-host/${instance.instanceId} is not authorized to perform: ssm:GetParameter on resource: arn:aws:ssm:${region}:123456789012:parameter/edge/prod/datastore/password because no identity-based policy allows the ssm:GetParameter action`,
      });
      expect(await errorOf(unknown!.send(new GetParameterCommand({ Name: passwordName })))).toEqual({
        name: "UnrecognizedClientException",
        status: 400,
        message: "The security token included in the request is invalid.",
      });
      expect(await errorOf(noToken!.send(new GetParameterCommand({ Name: passwordName })))).toMatchObject({ name: "UnrecognizedClientException" });
      expect(await errorOf(wrongSecret!.send(new GetParameterCommand({ Name: passwordName })))).toMatchObject({
        name: "InvalidSignatureException",
        status: 400,
        message: expect.stringContaining("The request signature we calculated does not match"),
      });
      expect(await errorOf(otherRegion!.send(new GetParameterCommand({ Name: passwordName })))).toMatchObject({
        name: "InvalidSignatureException",
        message: "Credential should be scoped to a valid region. ",
      });
    } finally {
      for (const c of clients) c.destroy();
    }
    const unsigned = await request(`https://ssm.${region}.amazonaws.com/`, {
      method: "POST",
      headers: { "content-type": "application/x-amz-json-1.1", "x-amz-target": "AmazonSSM.GetParameter" },
      body: JSON.stringify({ Name: passwordName }),
      ca: readFileSync(ca.certFile),
      connectTo: { address: "127.0.0.1", port: ssm.port },
    });
    expect({ status: unsigned.status, body: JSON.parse(unsigned.body) }).toEqual({
      status: 400,
      body: { __type: "com.amazon.coral.service#MissingAuthenticationTokenException", message: "Missing Authentication Token" },
    });
    expect(ssm.requests.map((r) => r.verdict)).toEqual(
      expect.arrayContaining(["ParameterNotFound", "AccessDeniedException", "UnrecognizedClientException", "InvalidSignatureException", "MissingAuthenticationTokenException"]),
    );
  });
});
