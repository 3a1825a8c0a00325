/**
 * AWS Signature Version 4 (header form, `Authorization: AWS4-HMAC-SHA256 …`), verified as the
 * services verify it, and a small signer built on the same canonical request (for the rehearsal's
 * stand-in agents). Only `node:crypto`: the signer can be bundled alone.
 *
 * Followed:
 * - IAM User Guide, "Create a signed AWS API request"
 *   (https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html): the canonical
 *   request (method, canonical URI, canonical query string, canonical headers, signed headers,
 *   hashed payload), the string to sign, the derived key (`AWS4`+secret → date → region → service →
 *   `aws4_request`); "each path segment must be URI-encoded twice (except for Amazon S3 which only
 *   gets URI-encoded once)"; header values trimmed with inner runs of spaces made one, repeated
 *   headers joined with commas; `host` and `x-amz-date` signed; `x-amz-security-token` for
 *   temporary credentials.
 * - S3 API Reference, "Signature Calculations for the Authorization Header: Transferring Payload in
 *   a Single Chunk" (https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html):
 *   S3's canonical URI is encoded once and not normalized (object keys keep `.`, `..` and `//`);
 *   the hashed payload is the value of `x-amz-content-sha256` (a SHA-256 or `UNSIGNED-PAYLOAD`),
 *   a header S3 requires on every SigV4 request and that must be signed like every `x-amz-*` header.
 * - The 15-minute window: "Common Errors" of the service API references (`RequestExpired`: "more
 *   than 15 minutes after the date stamp … or the date stamp … is more than 15 minutes in the
 *   future") and S3's `RequestTimeTooSkewed`
 *   (https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html).
 * Checked against AWS's SigV4 test suite (aws-c-auth's copy), @smithy/signature-v4 and curl 7.88's
 * `--aws-sigv4` in test/tools/rehearse/standins/sigv4.spec.ts.
 */
import { createHash, createHmac, timingSafeEqual } from "node:crypto";

export const sigV4Algorithm = "AWS4-HMAC-SHA256";
/** How far the request's date may be from the server's clock, either way. */
export const maxClockSkewMs = 15 * 60 * 1000;
/** `x-amz-content-sha256` of a request whose payload is not signed (S3). */
export const unsignedPayload = "UNSIGNED-PAYLOAD";

export const sha256Hex = (data: string | Buffer): string => createHash("sha256").update(data).digest("hex");
const hmac = (key: Buffer | string, data: string): Buffer => createHmac("sha256", key).update(data, "utf8").digest();

/** Header lines as received, in order: SigV4 joins a repeated header with ",", not Node's ", ". */
export type HeaderPairs = ReadonlyArray<readonly [string, string]>;

/** Pairs up Node's `req.rawHeaders` (name, value, name, value, …). */
export function headerPairs(rawHeaders: readonly string[]): [string, string][] {
  const pairs: [string, string][] = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) pairs.push([rawHeaders[i]!, rawHeaders[i + 1]!]);
  return pairs;
}

/** Every value of header `name` (case-insensitive), in order. */
export function headerValues(headers: HeaderPairs, name: string): string[] {
  const lower = name.toLowerCase();
  return headers.filter(([n]) => n.toLowerCase() === lower).map(([, v]) => v);
}

const firstHeader = (headers: HeaderPairs, name: string): string | undefined => headerValues(headers, name)[0];

/** RFC 3986 percent-encoding of every byte but the unreserved characters (and `/` when `keepSlash`), hex in capitals. */
export function uriEncode(text: string, keepSlash = false): string {
  let out = "";
  for (const byte of Buffer.from(text, "utf8")) {
    const c = String.fromCharCode(byte);
    if (/[A-Za-z0-9\-._~]/.test(c) || (keepSlash && c === "/")) out += c;
    else out += `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

const safeDecode = (text: string): string => {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
};

/**
 * The canonical URI of a path as it arrived. S3: each segment decoded and encoded once, nothing
 * normalized. Other services: `.`/`..`/empty segments removed, then each segment (still encoded as
 * sent) encoded again: the "twice" of the guide.
 */
export function canonicalUri(rawPath: string, service: string): string {
  if (service === "s3")
    return (
      rawPath
        .split("/")
        .map((segment) => uriEncode(safeDecode(segment)))
        .join("/") || "/"
    );
  const segments: string[] = [];
  for (const segment of rawPath.split("/")) {
    if (segment === "" || segment === ".") continue;
    if (segment === "..") segments.pop();
    else segments.push(segment);
  }
  const trailingSlash = segments.length > 0 && rawPath.endsWith("/") ? "/" : "";
  return `/${segments.map((segment) => uriEncode(segment)).join("/")}${trailingSlash}`;
}

/** The canonical query string: each name and value decoded then encoded (`/` too), sorted by name then value. */
export function canonicalQuery(rawQuery: string): string {
  const pairs = rawQuery
    .split("&")
    .filter((part) => part !== "")
    .map((part) => {
      const at = part.indexOf("=");
      const name = at < 0 ? part : part.slice(0, at);
      const value = at < 0 ? "" : part.slice(at + 1);
      return [uriEncode(safeDecode(name)), uriEncode(safeDecode(value))] as const;
    });
  pairs.sort(([an, av], [bn, bv]) => (an < bn ? -1 : an > bn ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  return pairs.map(([name, value]) => `${name}=${value}`).join("&");
}

/** Trimmed, inner whitespace runs made one space, repeated headers joined with "," in arrival order. */
export function canonicalHeaderValue(values: readonly string[]): string {
  return values.map((value) => value.trim().replace(/\s+/g, " ")).join(",");
}

export interface CanonicalRequestInput {
  method: string;
  /** Path and query as received (`req.url`). */
  target: string;
  headers: HeaderPairs;
  /** Lower-case names, in the order of the Authorization header's `SignedHeaders`. */
  signedHeaders: readonly string[];
  payloadHash: string;
  service: string;
}

export function canonicalRequest(input: CanonicalRequestInput): string {
  const queryAt = input.target.indexOf("?");
  const rawPath = queryAt < 0 ? input.target : input.target.slice(0, queryAt);
  const rawQuery = queryAt < 0 ? "" : input.target.slice(queryAt + 1);
  const headerLines = input.signedHeaders.map((name) => `${name}:${canonicalHeaderValue(headerValues(input.headers, name))}\n`).join("");
  return [input.method.toUpperCase(), canonicalUri(rawPath, input.service), canonicalQuery(rawQuery), headerLines, input.signedHeaders.join(";"), input.payloadHash].join("\n");
}

export function credentialScope(date: string, region: string, service: string): string {
  return `${date}/${region}/${service}/aws4_request`;
}

export function stringToSign(amzDate: string, scope: string, canonical: string): string {
  return [sigV4Algorithm, amzDate, scope, sha256Hex(canonical)].join("\n");
}

export function signingKey(secretAccessKey: string, date: string, region: string, service: string): Buffer {
  return hmac(hmac(hmac(hmac(`AWS4${secretAccessKey}`, date), region), service), "aws4_request");
}

export const signature = (key: Buffer, toSign: string): string => createHmac("sha256", key).update(toSign, "utf8").digest("hex");

/** `20150830T123600Z` from a date. */
export const amzDateOf = (date: Date): string =>
  date
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}/, "");

function parseAmzDate(text: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  if (!m) return undefined;
  const date = new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!));
  return Number.isNaN(date.getTime()) ? undefined : date;
}

// ---------------------------------------------------------------------------------------------
// Verification

/** Who a key belongs to, as IAM names it. */
export interface Principal {
  /** `arn:aws:sts::<account>:assumed-role/<role>/<session>` or `arn:aws:iam::<account>:user/<name>`. */
  arn: string;
  /** The role whose policy applies, for role sessions. */
  roleName?: string;
}

/** A key the stand-ins know: long-term (no session token) or temporary (with one, and an expiry). */
export interface KnownCredential {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
  principal: Principal;
}

export type CredentialLookup = (accessKeyId: string) => KnownCredential | undefined;

/** Why a request is refused, in the terms the services' error codes are mapped from. */
export type SigV4Refusal =
  | { reason: "missing-authorization" }
  | { reason: "unsupported-algorithm"; algorithm: string }
  | { reason: "malformed-authorization"; detail: string }
  | { reason: "wrong-region"; given: string; expected: string }
  | { reason: "wrong-service"; given: string; expected: string }
  | { reason: "missing-date" }
  | { reason: "scope-date-mismatch"; scopeDate: string; requestDate: string }
  | { reason: "unsigned-header"; header: string }
  | { reason: "missing-content-sha256" }
  | { reason: "invalid-content-sha256"; value: string }
  | { reason: "request-time-too-skewed"; requestTime: Date; serverTime: Date }
  | { reason: "unknown-access-key"; accessKeyId: string }
  | { reason: "missing-session-token"; accessKeyId: string }
  | { reason: "invalid-session-token"; accessKeyId: string }
  | { reason: "expired-token"; accessKeyId: string }
  | { reason: "signature-mismatch"; accessKeyId: string; canonicalRequest: string; stringToSign: string; signatureProvided: string }
  | { reason: "content-sha256-mismatch"; declared: string; computed: string };

export type SigV4Verdict = { ok: true; credential: KnownCredential; signedHeaders: string[] } | ({ ok: false } & SigV4Refusal);

export interface IncomingSignedRequest {
  method: string;
  /** Path and query as received, still percent-encoded (Node's `req.url`). */
  target: string;
  headers: HeaderPairs;
  body: Buffer;
}

export interface VerifyOptions {
  /** The signing name the endpoint belongs to: `s3`, `ssm`, `logs`, `monitoring`, … */
  service: string;
  region: string;
  credentials: CredentialLookup;
  /** The server's clock. */
  now?: Date;
}

interface ParsedAuthorization {
  accessKeyId: string;
  scopeDate: string;
  scopeRegion: string;
  scopeService: string;
  scopeTerminator: string;
  signedHeaders: string[];
  signature: string;
}

function parseAuthorization(value: string): ParsedAuthorization | { algorithm: string } | { malformed: string } {
  const space = value.indexOf(" ");
  const algorithm = space < 0 ? value : value.slice(0, space);
  if (algorithm !== sigV4Algorithm) return { algorithm };
  const fields = new Map<string, string>();
  for (const part of value.slice(space + 1).split(",")) {
    const at = part.indexOf("=");
    if (at > 0) fields.set(part.slice(0, at).trim(), part.slice(at + 1).trim());
  }
  const missing = ["Credential", "SignedHeaders", "Signature"].filter((name) => !fields.get(name));
  if (missing.length) return { malformed: missing.map((name) => `Authorization header requires '${name}' parameter.`).join(" ") };
  const credential = fields.get("Credential")!.split("/");
  if (credential.length !== 5) return { malformed: `Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '${fields.get("Credential")}'` };
  const [accessKeyId, scopeDate, scopeRegion, scopeService, scopeTerminator] = credential as [string, string, string, string, string];
  return { accessKeyId, scopeDate, scopeRegion, scopeService, scopeTerminator, signedHeaders: fields.get("SignedHeaders")!.split(";"), signature: fields.get("Signature")! };
}

const sameText = (a: string, b: string): boolean => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/**
 * Verifies `request` as the service `options.service` of `options.region` does. The checks run in
 * this order, and the first that fails is the verdict: the Authorization header's form, its
 * credential scope (region, service, terminator), the request's date and the scope's date, the
 * headers that must be signed, (S3) `x-amz-content-sha256`, the clock skew, the access key and its
 * session token, the signature, (S3) the payload against its declared hash.
 */
export function verifySigV4(request: IncomingSignedRequest, options: VerifyOptions): SigV4Verdict {
  const refuse = (refusal: SigV4Refusal): SigV4Verdict => ({ ok: false, ...refusal });
  const isS3 = options.service === "s3";
  const authorization = firstHeader(request.headers, "authorization");
  if (authorization === undefined) return refuse({ reason: "missing-authorization" });
  const parsed = parseAuthorization(authorization.trim());
  if ("algorithm" in parsed) return refuse({ reason: "unsupported-algorithm", algorithm: parsed.algorithm });
  if ("malformed" in parsed) return refuse({ reason: "malformed-authorization", detail: parsed.malformed });
  if (parsed.scopeRegion !== options.region) return refuse({ reason: "wrong-region", given: parsed.scopeRegion, expected: options.region });
  if (parsed.scopeService !== options.service) return refuse({ reason: "wrong-service", given: parsed.scopeService, expected: options.service });
  if (parsed.scopeTerminator !== "aws4_request")
    return refuse({ reason: "malformed-authorization", detail: `Credential should be scoped with a valid terminator: 'aws4_request', not '${parsed.scopeTerminator}'.` });

  const amzDate = firstHeader(request.headers, "x-amz-date");
  const dateHeader = amzDate === undefined ? firstHeader(request.headers, "date") : undefined;
  const requestTime = amzDate !== undefined ? parseAmzDate(amzDate.trim()) : dateHeader !== undefined ? new Date(dateHeader) : undefined;
  if (!requestTime || Number.isNaN(requestTime.getTime())) return refuse({ reason: "missing-date" });
  const requestAmzDate = amzDate?.trim() ?? amzDateOf(requestTime);
  if (parsed.scopeDate !== requestAmzDate.slice(0, 8)) return refuse({ reason: "scope-date-mismatch", scopeDate: parsed.scopeDate, requestDate: requestAmzDate });

  const signed = new Set(parsed.signedHeaders);
  if (!signed.has("host")) return refuse({ reason: "unsigned-header", header: "host" });
  if (amzDate !== undefined && !signed.has("x-amz-date")) return refuse({ reason: "unsigned-header", header: "x-amz-date" });
  if (amzDate === undefined && !signed.has("date")) return refuse({ reason: "unsigned-header", header: "date" });
  if (isS3) {
    // S3 refuses any x-amz-* header that is not signed (its HeadersNotSigned).
    const unsigned = request.headers.map(([name]) => name.toLowerCase()).find((name) => name.startsWith("x-amz-") && !signed.has(name));
    if (unsigned) return refuse({ reason: "unsigned-header", header: unsigned });
  }

  let payloadHash: string;
  if (isS3) {
    const declared = firstHeader(request.headers, "x-amz-content-sha256")?.trim();
    if (declared === undefined) return refuse({ reason: "missing-content-sha256" });
    if (declared !== unsignedPayload && !/^[0-9a-f]{64}$/.test(declared)) return refuse({ reason: "invalid-content-sha256", value: declared });
    payloadHash = declared;
  } else {
    payloadHash = sha256Hex(request.body);
  }

  const now = options.now ?? new Date();
  if (Math.abs(now.getTime() - requestTime.getTime()) > maxClockSkewMs) return refuse({ reason: "request-time-too-skewed", requestTime, serverTime: now });

  const credential = options.credentials(parsed.accessKeyId);
  if (!credential) return refuse({ reason: "unknown-access-key", accessKeyId: parsed.accessKeyId });
  const token = firstHeader(request.headers, "x-amz-security-token");
  if (credential.sessionToken !== undefined) {
    if (token === undefined) return refuse({ reason: "missing-session-token", accessKeyId: parsed.accessKeyId });
    if (!sameText(token.trim(), credential.sessionToken)) return refuse({ reason: "invalid-session-token", accessKeyId: parsed.accessKeyId });
    if (credential.expiration && credential.expiration.getTime() <= now.getTime()) return refuse({ reason: "expired-token", accessKeyId: parsed.accessKeyId });
  } else if (token !== undefined) {
    return refuse({ reason: "invalid-session-token", accessKeyId: parsed.accessKeyId });
  }

  const canonical = canonicalRequest({ method: request.method, target: request.target, headers: request.headers, signedHeaders: parsed.signedHeaders, payloadHash, service: options.service });
  const toSign = stringToSign(requestAmzDate, credentialScope(parsed.scopeDate, parsed.scopeRegion, parsed.scopeService), canonical);
  const expected = signature(signingKey(credential.secretAccessKey, parsed.scopeDate, parsed.scopeRegion, parsed.scopeService), toSign);
  if (!sameText(expected, parsed.signature))
    return refuse({ reason: "signature-mismatch", accessKeyId: parsed.accessKeyId, canonicalRequest: canonical, stringToSign: toSign, signatureProvided: parsed.signature });

  if (isS3 && payloadHash !== unsignedPayload) {
    const computed = sha256Hex(request.body);
    if (computed !== payloadHash) return refuse({ reason: "content-sha256-mismatch", declared: payloadHash, computed });
  }
  return { ok: true, credential, signedHeaders: parsed.signedHeaders };
}

// ---------------------------------------------------------------------------------------------
// Signing

export interface SigningCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  /** The session token of temporary credentials (sent and signed as `x-amz-security-token`). */
  sessionToken?: string;
}

export interface SignRequestInput {
  method: string;
  /** The full URL, e.g. `https://logs.us-east-1.amazonaws.com/`; its path must already be percent-encoded. */
  url: string;
  /** Headers to send and sign besides those the signer adds. */
  headers?: Record<string, string>;
  body?: string | Buffer;
  region: string;
  service: string;
  credentials: SigningCredentials;
  now?: Date;
}

/**
 * The headers to send for a signed request: the caller's, `host`, `x-amz-date`, the session
 * token, (S3) `x-amz-content-sha256`, and `authorization`. Every header sent is signed.
 */
export function signRequest(input: SignRequestInput): Record<string, string> {
  const url = new URL(input.url);
  const body = input.body === undefined ? Buffer.alloc(0) : Buffer.from(input.body);
  const amzDate = amzDateOf(input.now ?? new Date());
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(input.headers ?? {})) headers[name.toLowerCase()] = value;
  headers.host = url.host;
  headers["x-amz-date"] = amzDate;
  if (input.credentials.sessionToken !== undefined) headers["x-amz-security-token"] = input.credentials.sessionToken;
  const payloadHash = sha256Hex(body);
  if (input.service === "s3") headers["x-amz-content-sha256"] = payloadHash;
  const signedHeaders = Object.keys(headers).sort();
  const canonical = canonicalRequest({
    method: input.method,
    target: `${url.pathname}${url.search}`,
    headers: Object.entries(headers),
    signedHeaders,
    payloadHash,
    service: input.service,
  });
  const scope = credentialScope(amzDate.slice(0, 8), input.region, input.service);
  const sig = signature(signingKey(input.credentials.secretAccessKey, amzDate.slice(0, 8), input.region, input.service), stringToSign(amzDate, scope, canonical));
  headers.authorization = `${sigV4Algorithm} Credential=${input.credentials.accessKeyId}/${scope}, SignedHeaders=${signedHeaders.join(";")}, Signature=${sig}`;
  return headers;
}
