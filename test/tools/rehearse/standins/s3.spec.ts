/**
 * The S3 stand-in: the bundle download as the hosts make it (curl 7.88, instance-profile
 * credentials from the metadata stand-in, TLS from the test CA), and each refusal S3 makes.
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bundleObjectArn, renderBundleFetch } from "../../../../models/hostEdge/bundle";
import { CredentialStore } from "../../../../tools/rehearse/standins/identity";
import { type Imds, startImds } from "../../../../tools/rehearse/standins/imds";
import { startS3 } from "../../../../tools/rehearse/standins/s3";
import { sha256Hex, signRequest, type SigningCredentials } from "../../../../tools/rehearse/standins/sigv4";
import type { StandIn } from "../../../../tools/rehearse/standins/standIn";
import { createTestCa, issueServerCertificate } from "../../../../tools/rehearse/standins/testCa";
import { type Reply, request } from "./support";

const region = "us-east-1";
const bucket = "edge-bundles-us-east-1";
const bundle = { bucket: "edge-bundles-{region}", key: "releases/edge-ingest-2026.12.06.tar.gz", sha256: "" };
const host = `${bucket}.s3.${region}.amazonaws.com`;
const emptySha256 = sha256Hex("");
const run = promisify(execFile);

describe("S3 GetObject", () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "edge-standins-s3-"));
  const store = new CredentialStore("123456789012");
  const role = store.issueRoleSession("edge-dev-host", "i-0aaaaaaaaaaaaaaa1");
  const content = randomBytes(256 * 1024);
  const bundleFile = path.join(dir, "bundle.tar.gz");
  writeFileSync(bundleFile, content);
  bundle.sha256 = sha256Hex(content);
  const ca = createTestCa(path.join(dir, "ca"));
  const cert = issueServerCertificate(ca, "s3", [`*.s3.${region}.amazonaws.com`, `s3.${region}.amazonaws.com`]);
  const caPem = readFileSync(ca.certFile);
  let s3: StandIn;
  let imds: Imds;
  let clock: number | undefined;

  beforeAll(async () => {
    s3 = await startS3({
      address: "127.0.0.1",
      port: 0,
      region,
      store,
      tls: cert,
      now: () => (clock === undefined ? new Date() : new Date(clock)),
      objects: [
        { bucket, key: bundle.key, file: bundleFile },
        { bucket, key: "releases/other.tar.gz", file: bundleFile },
      ],
      // The planned role may read the bundle only; the "lister" role may also list the bucket.
      roleGrants: { "edge-dev-host": { getObject: [bundleObjectArn(bundle, region)] }, lister: { getObject: [`arn:aws:s3:::${bucket}/*`], listBucket: [`arn:aws:s3:::${bucket}`] } },
      endpointGrants: { getObject: [`arn:aws:s3:::${bucket}/releases/*`], listBucket: [`arn:aws:s3:::${bucket}`] },
    });
    imds = await startImds({
      address: "127.0.0.1",
      port: 0,
      region,
      store,
      instances: [{ instanceId: "i-0aaaaaaaaaaaaaaa1", localIpv4: "127.0.0.1", availabilityZone: "us-east-1a", roleName: "edge-dev-host" }],
    });
  });
  afterAll(async () => {
    await s3?.stop();
    await imds?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A request as the hosts send it: Host the bucket's regional name, TLS verified against the test CA for that name. */
  const signed = (key: string, options: { method?: string; credentials?: SigningCredentials; region?: string; now?: Date; headers?: Record<string, string>; body?: string } = {}): Promise<Reply> => {
    const url = `https://${host}/${key}`;
    const headers = signRequest({
      method: options.method ?? "GET",
      url,
      region: options.region ?? region,
      service: "s3",
      credentials: options.credentials ?? role,
      now: options.now,
      body: options.body,
    });
    return request(url, { method: options.method ?? "GET", headers: { ...headers, ...options.headers }, body: options.body, ca: caPem, connectTo: { address: "127.0.0.1", port: s3.port } });
  };
  const code = (reply: Reply) => /<Code>([^<]*)<\/Code>/.exec(reply.body)?.[1];
  const element = (reply: Reply, name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(reply.body)?.[1];

  it("serves the bundle to the planned role, with S3's headers; HEAD answers the headers alone", async () => {
    const reply = await signed(bundle.key);
    expect(reply.status).toBe(200);
    expect(reply.bytes.equals(content)).toBe(true);
    expect(reply.headers).toMatchObject({ "content-length": String(content.length), "content-type": "binary/octet-stream", server: "AmazonS3" });
    expect(reply.headers["x-amz-request-id"]).toMatch(/^[0-9A-F]{16}$/);
    const head = await signed(bundle.key, { method: "HEAD" });
    expect({ status: head.status, length: head.headers["content-length"], body: head.body }).toEqual({ status: 200, length: String(content.length), body: "" });
  });

  it("the bundle fetch the user data renders, run with Debian 12's curl against the metadata and S3 stand-ins", async () => {
    // curl goes to the stand-ins in place of 169.254.169.254 and the bucket's address; the URLs, Host headers and TLS names stay the script's.
    const shim = path.join(dir, "bin");
    await run("mkdir", ["-p", shim]);
    writeFileSync(
      path.join(shim, "curl"),
      `#!/bin/sh\nexec /usr/bin/curl --max-time 30 --cacert ${ca.certFile} --connect-to 169.254.169.254:80:127.0.0.1:${imds.port} --connect-to ${host}:443:127.0.0.1:${s3.port} "$@"\n`,
    );
    chmodSync(path.join(shim, "curl"), 0o755);
    writeFileSync(path.join(dir, "fetch.sh"), renderBundleFetch(bundle));
    const out = path.join(dir, "fetched.tar.gz");
    const result = await run("sh", [path.join(dir, "fetch.sh"), out], { env: { ...process.env, PATH: `${shim}:${process.env.PATH}` }, timeout: 90_000 }).then(
      () => ({ exitCode: 0, stderr: "" }),
      (error: { code: number; stderr: string }) => ({ exitCode: error.code, stderr: error.stderr }),
    );
    const fetch = s3.requests.filter((r) => r.action === `GetObject ${bucket}/${bundle.key}`).at(-1)!;
    if (renderBundleFetch(bundle).includes("x-amz-content-sha256")) {
      expect(result).toEqual({ exitCode: 0, stderr: "" });
      expect(readFileSync(out).equals(content)).toBe(true);
      expect(fetch.verdict).toBe("OK");
    } else {
      // curl 7.88 sends no x-amz-content-sha256 by itself: S3 refuses, `curl -f` fails, `set -e` ends the boot.
      expect(result.exitCode).not.toBe(0);
      expect(result.stderr).toContain("The requested URL returned error: 400");
      expect(fetch).toMatchObject({ status: 400, verdict: "InvalidRequest", detail: "missing-content-sha256" });
    }
  });

  it("refuses what S3 refuses about the signature, with S3's codes, statuses and elements", async () => {
    const noHash = { "x-amz-content-sha256": "" };
    const cases: [string, Promise<Reply>, number, string][] = [
      [
        "no x-amz-content-sha256",
        request(`https://${host}/${bundle.key}`, {
          headers: Object.fromEntries(
            Object.entries(signRequest({ method: "GET", url: `https://${host}/${bundle.key}`, region, service: "s3", credentials: role }))
              .filter(([n]) => n !== "x-amz-content-sha256")
              .map(([n, v]) => [n, n === "authorization" ? v.replace("x-amz-content-sha256;", "") : v]),
          ),
          ca: caPem,
          connectTo: { address: "127.0.0.1", port: s3.port },
        }),
        400,
        "InvalidRequest",
      ],
      ["x-amz-content-sha256 changed after signing", signed(bundle.key, { method: "PUT", body: "x", headers: { "x-amz-content-sha256": emptySha256 } }), 403, "SignatureDoesNotMatch"],
      ["another region in the scope", signed(bundle.key, { region: "eu-west-1" }), 400, "AuthorizationHeaderMalformed"],
      ["another secret", signed(bundle.key, { credentials: { ...role, secretAccessKey: `x${role.secretAccessKey}` } }), 403, "SignatureDoesNotMatch"],
      ["an unknown key", signed(bundle.key, { credentials: { accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" } }), 403, "InvalidAccessKeyId"],
      ["a role key without its token", signed(bundle.key, { credentials: { ...role, sessionToken: undefined } }), 403, "InvalidAccessKeyId"],
      ["a role key with another token", signed(bundle.key, { credentials: { ...role, sessionToken: store.issueRoleSession("edge-dev-host", "i-2").sessionToken } }), 400, "InvalidToken"],
      ["a clock 16 minutes behind", signed(bundle.key, { now: new Date(Date.now() - 16 * 60_000) }), 403, "RequestTimeTooSkewed"],
      ["no Authorization", request(`https://${host}/${bundle.key}`, { ca: caPem, connectTo: { address: "127.0.0.1", port: s3.port } }), 403, "AccessDenied"],
      ["an empty x-amz-content-sha256", signed(bundle.key, { headers: noHash }), 400, "InvalidArgument"],
    ];
    for (const [name, reply, status, errorCode] of cases) {
      const r = await reply;
      expect({ name, status: r.status, code: code(r), type: r.headers["content-type"] }).toEqual({ name, status, code: errorCode, type: "application/xml" });
      expect(element(r, "RequestId"), name).toBe(r.headers["x-amz-request-id"]);
    }
    const missing = await cases[0]![1];
    expect(element(missing, "Message")).toBe("Missing required header for this request: x-amz-content-sha256");
    expect(element(await cases[2]![1], "Message")).toBe("The authorization header is malformed; the region 'eu-west-1' is wrong; expecting 'us-east-1'");
    expect(element(await cases[2]![1], "Region")).toBe("us-east-1");
    expect(element(await cases[7]![1], "MaxAllowedSkewMilliseconds")).toBe("900000");
  });

  it("a body that does not match its signed hash: 400 XAmzContentSHA256Mismatch; an expired session: 400 ExpiredToken", async () => {
    const url = `https://${host}/${bundle.key}`;
    const headers = signRequest({ method: "PUT", url, region, service: "s3", credentials: role, body: "signed body" });
    const reply = await request(url, { method: "PUT", headers, body: "other body!", ca: caPem, connectTo: { address: "127.0.0.1", port: s3.port } });
    expect({ status: reply.status, code: code(reply), computed: element(reply, "S3ComputedContentSHA256") }).toEqual({
      status: 400,
      code: "XAmzContentSHA256Mismatch",
      computed: sha256Hex("other body!"),
    });
    const expiring = store.issueRoleSession("edge-dev-host", "i-3");
    clock = expiring.expiration!.getTime() + 1000;
    try {
      expect(code(await signed(bundle.key, { credentials: expiring, now: new Date(clock) }))).toBe("ExpiredToken");
    } finally {
      clock = undefined;
    }
  });

  it("authorizes as IAM and the endpoint policy do: another object, a missing key without and with s3:ListBucket, another bucket, a write", async () => {
    const other = await signed("releases/other.tar.gz");
    expect({ status: other.status, code: code(other) }).toEqual({ status: 403, code: "AccessDenied" });
    expect(s3.requests.at(-1)!.detail).toContain("identity policy");
    const missing = await signed(bundle.key.replace("2026", "1999"));
    expect({ status: missing.status, code: code(missing) }).toEqual({ status: 403, code: "AccessDenied" });
    const lister = store.issueRoleSession("lister", "i-4");
    const listed = await signed("releases/none.tar.gz", { credentials: lister });
    expect({ status: listed.status, code: code(listed), key: element(listed, "Key") }).toEqual({ status: 404, code: "NoSuchKey", key: "releases/none.tar.gz" });
    expect((await signed("releases/other.tar.gz", { credentials: lister })).status).toBe(200);
    const outsideEndpoint = await signed("private/none", { credentials: lister });
    expect({ status: outsideEndpoint.status, code: code(outsideEndpoint) }).toEqual({ status: 403, code: "AccessDenied" });
    expect(s3.requests.at(-1)!.detail).toContain("VPC endpoint policy");
    const url = `https://other-bucket.s3.${region}.amazonaws.com/x`;
    const otherBucket = await request(url, { headers: signRequest({ method: "GET", url, region, service: "s3", credentials: role }), ca: caPem, connectTo: { address: "127.0.0.1", port: s3.port } });
    expect({ status: otherBucket.status, code: code(otherBucket) }).toEqual({ status: 404, code: "NoSuchBucket" });
    const write = await signed(bundle.key, { method: "PUT", body: "x" });
    expect({ status: write.status, code: code(write) }).toEqual({ status: 403, code: "AccessDenied" });
  });

  it("its certificate verifies for the bucket's regional name only", async () => {
    const wrongName = request(`https://${bucket}.s3.eu-west-1.amazonaws.com/${bundle.key}`, { ca: caPem, connectTo: { address: "127.0.0.1", port: s3.port } });
    await expect(wrongName).rejects.toMatchObject({ code: "ERR_TLS_CERT_ALTNAME_INVALID" });
    await expect(request(`https://${host}/${bundle.key}`, { connectTo: { address: "127.0.0.1", port: s3.port } })).rejects.toMatchObject({ code: "UNABLE_TO_VERIFY_LEAF_SIGNATURE" });
  });
});
