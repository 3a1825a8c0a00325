/**
 * SigV4 verification against three signers that are not ours: AWS's published test suite, the
 * AWS SDK's own signer (@smithy/signature-v4, what @aws-sdk/client-ssm signs with) and curl 7.88's
 * `--aws-sigv4` (what the hosts' bundle fetch signs with); then each refusal the services make.
 */
import { execFile } from "node:child_process";
import { createHash, createHmac } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { promisify } from "node:util";
import { SignatureV4 } from "@smithy/signature-v4";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CredentialStore } from "../../../../tools/rehearse/standins/identity";
import {
  canonicalRequest,
  credentialScope,
  headerPairs,
  type IncomingSignedRequest,
  type KnownCredential,
  sha256Hex,
  signature,
  signingKey,
  signRequest,
  type SigV4Verdict,
  stringToSign,
  verifySigV4,
} from "../../../../tools/rehearse/standins/sigv4";
import { suiteCases, suiteCredentials, suiteTime } from "./sigv4TestSuite";

const suiteKey: KnownCredential = { ...suiteCredentials, principal: { arn: "arn:aws:iam::123456789012:user/suite" } };
const emptySha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

describe("AWS's SigV4 test suite", () => {
  const toRequest = (c: (typeof suiteCases)[number]): IncomingSignedRequest => ({ method: c.method, target: c.target, headers: c.headers, body: Buffer.from(c.body) });

  for (const c of suiteCases.filter((s) => s.normalize)) {
    it(`${c.name}: the canonical request and the signature match, as any service but S3 computes them`, () => {
      const signedHeaders = /SignedHeaders=([^,]+)/.exec(c.headers.find(([n]) => n === "Authorization")![1])![1]!.split(";");
      expect(canonicalRequest({ method: c.method, target: c.target, headers: c.headers, signedHeaders, payloadHash: sha256Hex(c.body), service: "service" })).toBe(c.canonicalRequest);
      const credential = { ...suiteKey, sessionToken: c.sessionToken };
      const verdict = verifySigV4(toRequest(c), { service: "service", region: "us-east-1", credentials: () => credential, now: suiteTime });
      expect(verdict).toMatchObject({ ok: true });
    });
  }

  for (const c of suiteCases.filter((s) => !s.normalize)) {
    it(`${c.name}: S3's canonical URI (encoded once, nothing normalized) gives the suite's canonical request and signature`, () => {
      const authorization = c.headers.find(([n]) => n === "Authorization")![1];
      const signedHeaders = /SignedHeaders=([^,]+)/.exec(authorization)![1]!.split(";");
      const canonical = canonicalRequest({ method: c.method, target: c.target, headers: c.headers, signedHeaders, payloadHash: sha256Hex(c.body), service: "s3" });
      expect(canonical).toBe(c.canonicalRequest);
      const toSign = stringToSign("20150830T123600Z", credentialScope("20150830", "us-east-1", "service"), canonical);
      expect(`Signature=${signature(signingKey(suiteCredentials.secretAccessKey, "20150830", "us-east-1", "service"), toSign)}`).toBe(/Signature=\w+/.exec(authorization)![0]);
    });
  }

  it("a suite request with one signed header changed, or signed by another secret, is refused with the canonical request the server computed", () => {
    const c = suiteCases.find((s) => s.name === "get-header-value-trim")!;
    const changed = { ...toRequest(c), headers: c.headers.map(([n, v]): [string, string] => [n, n === "My-Header1" ? "value2" : v]) };
    const verdict = verifySigV4(changed, { service: "service", region: "us-east-1", credentials: () => suiteKey, now: suiteTime });
    expect(verdict).toMatchObject({ ok: false, reason: "signature-mismatch" });
    expect(verdict.ok === false && verdict.reason === "signature-mismatch" && verdict.canonicalRequest).toContain("my-header1:value2\n");
    const otherSecret = verifySigV4(toRequest(c), {
      service: "service",
      region: "us-east-1",
      credentials: () => ({ ...suiteKey, secretAccessKey: "x" + suiteKey.secretAccessKey.slice(1) }),
      now: suiteTime,
    });
    expect(otherSecret).toMatchObject({ ok: false, reason: "signature-mismatch" });
  });

  it("our signer produces the suite's Authorization header for the suite's own requests", () => {
    for (const name of ["get-vanilla", "get-vanilla-query-order-key-case", "post-x-www-form-urlencoded"]) {
      const c = suiteCases.find((s) => s.name === name)!;
      const given = Object.fromEntries(c.headers.filter(([n]) => !["host", "x-amz-date", "authorization", "x-amz-content-sha256"].includes(n.toLowerCase())));
      const headers = signRequest({
        method: c.method,
        url: `https://example.amazonaws.com${c.target}`,
        headers: given,
        body: c.body,
        region: "us-east-1",
        service: "service",
        credentials: suiteCredentials,
        now: suiteTime,
      });
      // The suite signs x-amz-content-sha256 for its form POSTs; our signer adds it for S3 only, so that case is compared through the verifier.
      if (name === "post-x-www-form-urlencoded") {
        expect(
          verifySigV4(
            { method: c.method, target: c.target, headers: Object.entries(headers), body: Buffer.from(c.body) },
            { service: "service", region: "us-east-1", credentials: () => suiteKey, now: suiteTime },
          ),
        ).toMatchObject({ ok: true });
      } else {
        expect(headers.authorization).toBe(c.headers.find(([n]) => n === "Authorization")![1]);
      }
    }
  });
});

/** The Checksum the SDK's signer hashes with (what @aws-crypto/sha256-js gives the SDK), over node:crypto. */
type SourceData = string | ArrayBuffer | ArrayBufferView;
const bytes = (data: SourceData): string | Uint8Array =>
  typeof data === "string" ? data : ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : new Uint8Array(data);
class NodeSha256 {
  private readonly hash;
  constructor(secret?: SourceData) {
    this.hash = secret === undefined ? createHash("sha256") : createHmac("sha256", bytes(secret));
  }
  update(data: SourceData): void {
    this.hash.update(bytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
  reset(): void {}
}

describe("the AWS SDK's signer (@smithy/signature-v4)", () => {
  const store = new CredentialStore("123456789012");
  const session = store.issueRoleSession("edge-host", "i-0123456789abcdef0");
  const sdkCredentials = { accessKeyId: session.accessKeyId, secretAccessKey: session.secretAccessKey, sessionToken: session.sessionToken };

  async function sdkSigned(
    service: string,
    request: { method: string; path: string; query?: Record<string, string>; headers: Record<string, string>; body?: string },
    options: { uriEscapePath?: boolean; region?: string } = {},
  ) {
    const signer = new SignatureV4({
      service,
      region: options.region ?? "us-east-1",
      credentials: sdkCredentials,
      sha256: NodeSha256,
      uriEscapePath: options.uriEscapePath ?? true,
      applyChecksum: service === "s3",
    });
    const hostname = service === "s3" ? "edge-bundles-us-east-1.s3.us-east-1.amazonaws.com" : `${service}.us-east-1.amazonaws.com`;
    const signed = await signer.sign({
      method: request.method,
      protocol: "https:",
      hostname,
      path: request.path,
      query: request.query ?? {},
      headers: { host: hostname, ...request.headers },
      body: request.body,
    });
    const query = new URLSearchParams(signed.query as Record<string, string>).toString();
    return { method: signed.method, target: `${signed.path}${query ? `?${query}` : ""}`, headers: Object.entries(signed.headers) as [string, string][], body: Buffer.from(request.body ?? "") };
  }

  it("an SSM GetParameter as the SDK signs it (awsJson1_1, session token) is accepted; the same with another body, region or service is refused", async () => {
    const body = JSON.stringify({ Name: "/edge/prod/datastore/password", WithDecryption: true });
    const request = await sdkSigned("ssm", { method: "POST", path: "/", headers: { "content-type": "application/x-amz-json-1.1", "x-amz-target": "AmazonSSM.GetParameter" }, body });
    expect(verifySigV4(request, { service: "ssm", region: "us-east-1", credentials: store.lookup })).toMatchObject({ ok: true, credential: { principal: { roleName: "edge-host" } } });
    expect(verifySigV4({ ...request, body: Buffer.from(body.replace("true", "false")) }, { service: "ssm", region: "us-east-1", credentials: store.lookup })).toMatchObject({
      ok: false,
      reason: "signature-mismatch",
    });
    expect(verifySigV4(request, { service: "ssm", region: "eu-west-1", credentials: store.lookup })).toMatchObject({ ok: false, reason: "wrong-region", given: "us-east-1", expected: "eu-west-1" });
    expect(verifySigV4(request, { service: "logs", region: "us-east-1", credentials: store.lookup })).toMatchObject({ ok: false, reason: "wrong-service", given: "ssm", expected: "logs" });
  });

  it("an S3 GetObject as the SDK signs it (key encoded once, x-amz-content-sha256) is accepted, keys with spaces, plus and tilde included", async () => {
    // The S3 client's serializer percent-encodes the key; the signer then leaves the path as it is (uriEscapePath false).
    const path = `/${["releases", "edge ingest+1~rc.tar.gz"].map((s) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)).join("/")}`;
    const request = await sdkSigned("s3", { method: "GET", path, query: { "x-id": "GetObject" }, headers: {} }, { uriEscapePath: false });
    expect(request.headers.find(([n]) => n === "x-amz-content-sha256")?.[1]).toBe(emptySha256);
    expect(verifySigV4(request, { service: "s3", region: "us-east-1", credentials: store.lookup })).toMatchObject({ ok: true });
  });

  it("our signer and the SDK's sign the same request alike", async () => {
    const now = new Date();
    const body = JSON.stringify({ logGroupName: "/edge/ingest", logStreamName: "i-1", logEvents: [{ timestamp: now.getTime(), message: "{}" }] });
    const headers = { "content-type": "application/x-amz-json-1.1", "x-amz-target": "Logs_20140328.PutLogEvents" };
    const signer = new SignatureV4({ service: "logs", region: "us-east-1", credentials: sdkCredentials, sha256: NodeSha256, applyChecksum: false });
    const sdk = await signer.sign(
      { method: "POST", protocol: "https:", hostname: "logs.us-east-1.amazonaws.com", path: "/", query: {}, headers: { host: "logs.us-east-1.amazonaws.com", ...headers }, body },
      { signingDate: now },
    );
    const ours = signRequest({ method: "POST", url: "https://logs.us-east-1.amazonaws.com/", headers, body, region: "us-east-1", service: "logs", credentials: sdkCredentials, now });
    expect(ours.authorization).toBe(sdk.headers.authorization);
  });
});

describe("curl 7.88's --aws-sigv4 (Debian 12's curl, what the hosts' bundle fetch signs with)", () => {
  const store = new CredentialStore("123456789012");
  const session = store.issueRoleSession("edge-host", "i-0123456789abcdef0");
  let server: http.Server;
  let port = 0;
  let service = "s3";

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const verdict = verifySigV4(
          { method: req.method!, target: req.url!, headers: headerPairs(req.rawHeaders), body: Buffer.concat(chunks) },
          { service, region: "us-east-1", credentials: store.lookup },
        );
        res.end(JSON.stringify(verdict.ok ? { ok: true } : verdict));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const curl = async (args: string[]): Promise<SigV4Verdict> => {
    const { stdout } = await promisify(execFile)("curl", ["-sS", "--max-time", "30", ...args], { timeout: 60_000 });
    return JSON.parse(stdout) as SigV4Verdict;
  };
  const user = () => `${session.accessKeyId}:${session.secretAccessKey}`;

  it("S3: without x-amz-content-sha256 (curl 7.88 does not send it) the request is refused; with the header curl signs it and it is accepted", async () => {
    service = "s3";
    const url = `http://127.0.0.1:${port}/releases/edge-ingest-1.tar.gz`;
    const base = ["--aws-sigv4", "aws:amz:us-east-1:s3", "--user", user(), "-H", `x-amz-security-token: ${session.sessionToken}`];
    expect(await curl([...base, url])).toMatchObject({ ok: false, reason: "missing-content-sha256" });
    expect(await curl([...base, "-H", `x-amz-content-sha256: ${emptySha256}`, url])).toEqual({ ok: true });
    expect(await curl([...base, "-H", `x-amz-content-sha256: ${sha256Hex("something else")}`, url])).toMatchObject({ ok: false, reason: "content-sha256-mismatch", computed: emptySha256 });
    // The token left out: S3 knows the key only with its token.
    expect(await curl(["--aws-sigv4", "aws:amz:us-east-1:s3", "--user", user(), "-H", `x-amz-content-sha256: ${emptySha256}`, url])).toMatchObject({ ok: false, reason: "missing-session-token" });
    expect(await curl(["--aws-sigv4", "aws:amz:eu-west-1:s3", "--user", user(), "-H", `x-amz-content-sha256: ${emptySha256}`, url])).toMatchObject({
      ok: false,
      reason: "wrong-region",
      given: "eu-west-1",
    });
  });

  it("another service (payload hashed by the server): a signed POST is accepted, a wrong secret refused", async () => {
    service = "logs";
    const url = `http://127.0.0.1:${port}/`;
    const base = [
      "--aws-sigv4",
      "aws:amz:us-east-1:logs",
      "-H",
      `x-amz-security-token: ${session.sessionToken}`,
      "-H",
      "x-amz-target: Logs_20140328.PutLogEvents",
      "-H",
      "content-type: application/x-amz-json-1.1",
      "--data-binary",
      '{"logGroupName":"g"}',
    ];
    expect(await curl([...base, "--user", user(), url])).toEqual({ ok: true });
    expect(await curl([...base, "--user", `${session.accessKeyId}:wrong${session.secretAccessKey}`, url])).toMatchObject({ ok: false, reason: "signature-mismatch" });
  });

  it("curl 7.88 signs the path and the query as written, so what AWS canonicalizes differently is refused: an unsorted query, a path another service encodes twice", async () => {
    service = "logs";
    const base = ["--aws-sigv4", "aws:amz:us-east-1:logs", "--user", user(), "-H", `x-amz-security-token: ${session.sessionToken}`];
    expect(await curl([...base, `http://127.0.0.1:${port}/?a=1&b=2`])).toEqual({ ok: true });
    expect(await curl([...base, `http://127.0.0.1:${port}/?b=2&a=1`])).toMatchObject({ ok: false, reason: "signature-mismatch", canonicalRequest: expect.stringContaining("\na=1&b=2\n") });
    expect(await curl([...base, `http://127.0.0.1:${port}/a%20b`])).toMatchObject({ ok: false, reason: "signature-mismatch", canonicalRequest: expect.stringContaining("\n/a%2520b\n") });
    // S3 encodes once: the same path is accepted there, as the bundle keys (unreserved characters and "/") always are.
    service = "s3";
    expect(await curl([...base.slice(0, 1), "aws:amz:us-east-1:s3", ...base.slice(2), "-H", `x-amz-content-sha256: ${emptySha256}`, `http://127.0.0.1:${port}/a%20b`])).toEqual({ ok: true });
  });
});

describe("refusals", () => {
  const store = new CredentialStore("123456789012");
  const session = store.issueRoleSession("edge-host", "i-0123456789abcdef0");
  const user = store.addUserKey("operator");
  const now = new Date("2026-12-06T12:00:00Z");
  const sign = (
    overrides: {
      service?: string;
      region?: string;
      credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
      at?: Date;
      body?: string;
      headers?: Record<string, string>;
    } = {},
  ): IncomingSignedRequest => {
    const service = overrides.service ?? "ssm";
    const host = service === "s3" ? "bucket.s3.us-east-1.amazonaws.com" : `${service}.us-east-1.amazonaws.com`;
    const headers = signRequest({
      method: "POST",
      url: `https://${host}/`,
      headers: overrides.headers,
      body: overrides.body ?? "{}",
      region: overrides.region ?? "us-east-1",
      service,
      credentials: overrides.credentials ?? session,
      now: overrides.at ?? now,
    });
    return { method: "POST", target: "/", headers: Object.entries(headers), body: Buffer.from(overrides.body ?? "{}") };
  };
  const verify = (request: IncomingSignedRequest, service = "ssm") => verifySigV4(request, { service, region: "us-east-1", credentials: store.lookup, now });
  const without = (request: IncomingSignedRequest, header: string): IncomingSignedRequest => ({ ...request, headers: request.headers.filter(([n]) => n.toLowerCase() !== header) });
  const replaced = (request: IncomingSignedRequest, header: string, value: string): IncomingSignedRequest => ({
    ...request,
    headers: request.headers.map(([n, v]): [string, string] => [n, n.toLowerCase() === header ? value : v]),
  });

  it("accepts a well-signed request, from a role session and from a user key", () => {
    expect(verify(sign())).toMatchObject({ ok: true, credential: { accessKeyId: session.accessKeyId } });
    expect(verify(sign({ credentials: user }))).toMatchObject({ ok: true, credential: { principal: { arn: "arn:aws:iam::123456789012:user/operator" } } });
  });

  it("no Authorization; another algorithm; an Authorization without its parts", () => {
    expect(verify(without(sign(), "authorization"))).toEqual({ ok: false, reason: "missing-authorization" });
    expect(verify(replaced(sign(), "authorization", "AWS AKIDEXAMPLE:frJIUN8DYpKDtOLCwo//yllqDzg="))).toEqual({ ok: false, reason: "unsupported-algorithm", algorithm: "AWS" });
    expect(verify(replaced(sign(), "authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261206/us-east-1/ssm/aws4_request"))).toMatchObject({
      ok: false,
      reason: "malformed-authorization",
      detail: "Authorization header requires 'SignedHeaders' parameter. Authorization header requires 'Signature' parameter.",
    });
  });

  it("the clock: 14 minutes either way is accepted, 16 minutes either way refused", () => {
    for (const minutes of [-14, 14]) expect(verify(sign({ at: new Date(now.getTime() + minutes * 60_000) }))).toMatchObject({ ok: true });
    for (const minutes of [-16, 16]) expect(verify(sign({ at: new Date(now.getTime() + minutes * 60_000) }))).toMatchObject({ ok: false, reason: "request-time-too-skewed" });
  });

  it("the scope's date must be the request's; host and x-amz-date must be signed", () => {
    const request = sign();
    const nextDay = replaced(request, "authorization", request.headers.find(([n]) => n === "authorization")![1].replace("/20261206/", "/20261207/"));
    expect(verify(nextDay)).toMatchObject({ ok: false, reason: "scope-date-mismatch", scopeDate: "20261207", requestDate: "20261206T120000Z" });
    const hostUnsigned = replaced(request, "authorization", request.headers.find(([n]) => n === "authorization")![1].replace("SignedHeaders=host;", "SignedHeaders="));
    expect(verify(hostUnsigned)).toEqual({ ok: false, reason: "unsigned-header", header: "host" });
    expect(verify(without(request, "x-amz-date"))).toEqual({ ok: false, reason: "missing-date" });
  });

  it("keys: unknown; a role session's key without its token, with another token, after its expiry; a user key with a token", () => {
    expect(verify(sign({ credentials: { accessKeyId: "ASIAUNKNOWN0000000000", secretAccessKey: "x" } }))).toEqual({ ok: false, reason: "unknown-access-key", accessKeyId: "ASIAUNKNOWN0000000000" });
    expect(verify(sign({ credentials: { ...session, sessionToken: undefined } }))).toMatchObject({ ok: false, reason: "missing-session-token" });
    expect(verify(sign({ credentials: { ...session, sessionToken: `${session.sessionToken}x` } }))).toMatchObject({ ok: false, reason: "invalid-session-token" });
    expect(verify(sign({ credentials: { ...user, sessionToken: "token" } }))).toMatchObject({ ok: false, reason: "invalid-session-token" });
    const expired = store.issueRoleSession("edge-host", "i-1", new Date(now.getTime() - 7 * 3600_000));
    expect(verify(sign({ credentials: expired }))).toMatchObject({ ok: false, reason: "expired-token" });
  });

  it("S3: x-amz-content-sha256 required, a valid value, matching the body, and every x-amz-* header signed", () => {
    const put = sign({ service: "s3", body: "payload" });
    expect(verify(put, "s3")).toMatchObject({ ok: true });
    expect(verify(without(put, "x-amz-content-sha256"), "s3")).toEqual({ ok: false, reason: "missing-content-sha256" });
    expect(verify(replaced(put, "x-amz-content-sha256", "not-a-hash"), "s3")).toEqual({ ok: false, reason: "invalid-content-sha256", value: "not-a-hash" });
    expect(verify({ ...put, body: Buffer.from("payload, changed") }, "s3")).toMatchObject({
      ok: false,
      reason: "content-sha256-mismatch",
      declared: sha256Hex("payload"),
      computed: sha256Hex("payload, changed"),
    });
    expect(verify({ ...put, headers: [...put.headers, ["x-amz-meta-note", "unsigned"]] }, "s3")).toEqual({ ok: false, reason: "unsigned-header", header: "x-amz-meta-note" });
  });
});
