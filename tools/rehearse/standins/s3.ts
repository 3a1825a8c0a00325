/**
 * S3 GetObject and HeadObject over HTTPS, for the objects the rehearsal serves (the host bundle),
 * with SigV4 and authorization checked as S3 checks them.
 *
 * Followed:
 * - S3 API Reference, "Error responses" → "List of error codes" and "REST error responses"
 *   (https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html): the XML error document
 *   (`Code`, `Message`, `RequestId`, `HostId` and each error's own elements) and each code's
 *   status: AccessDenied 403, AuthorizationHeaderMalformed 400, ExpiredToken 400,
 *   InvalidAccessKeyId 403, InvalidArgument 400, InvalidRequest 400, InvalidToken 400,
 *   NoSuchBucket 404, NoSuchKey 404, RequestTimeTooSkewed 403, SignatureDoesNotMatch 403,
 *   XAmzContentSHA256Mismatch 400.
 * - S3 API Reference, "Authenticating Requests: Using the Authorization Header (AWS Signature
 *   Version 4)" and its "Signature Calculations … in a Single Chunk"
 *   (https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-auth-using-authorization-header.html):
 *   `x-amz-content-sha256` is required on every request; without it S3 answers 400 InvalidRequest
 *   "Missing required header for this request: x-amz-content-sha256".
 * - What S3 says where the error list is silent, as S3 is seen answering: a region other than the
 *   bucket's in the scope, `AuthorizationHeaderMalformed` "the region 'X' is wrong; expecting 'Y'"
 *   with `<Region>`; a temporary (`ASIA`) key without its session token, `InvalidAccessKeyId` (S3
 *   knows such a key only with its token); a wrong token, `InvalidToken`.
 * - S3 User Guide, "How Amazon S3 authorizes a request for an object operation" and GetObject's
 *   "Permissions" (https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html): an object
 *   the caller may read but that is missing is 404 NoSuchKey only with `s3:ListBucket` on the
 *   bucket, else 403 AccessDenied; a request through a VPC endpoint must be allowed by the
 *   endpoint's policy too (VPC User Guide, "Control access to VPC endpoints using endpoint policies").
 * Not served: ranges (a `Range` header gets the whole object, 200), listings, writes (denied, as the
 * role allows none).
 */
import { createHash, randomBytes } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import { anyArnMatches, type CredentialStore } from "./identity";
import { type SigV4Refusal, verifySigV4 } from "./sigv4";
import { type HttpAnswer, hostName, type ListenOptions, type StandIn, startHttpStandIn, type TlsFiles } from "./standIn";

export interface S3Object {
  bucket: string;
  key: string;
  /** The file served as the object's body. */
  file: string;
  /** Defaults to `binary/octet-stream`, what S3 stores when an upload names none. */
  contentType?: string;
}

/** What a principal may do, as resource ARN patterns (IAM wildcards). */
export interface S3Grants {
  /** `s3:GetObject` on these objects (`arn:aws:s3:::bucket/key`). */
  getObject: string[];
  /** `s3:ListBucket` on these buckets (`arn:aws:s3:::bucket`); turns a missing key's 403 into 404. */
  listBucket?: string[];
}

export interface S3Options extends ListenOptions {
  region: string;
  store: CredentialStore;
  tls: TlsFiles;
  objects: S3Object[];
  /** The identity policy of each role, by role name: the planned host role's grants. */
  roleGrants: Record<string, S3Grants>;
  /** The gateway endpoint's policy the requests pass through; omitted: the endpoint's default (full access). */
  endpointGrants?: S3Grants;
  now?: () => Date;
}

interface S3Error {
  status: number;
  code: string;
  message: string;
  /** Further elements of the error document, in order. */
  fields?: [string, string][];
}

/** Text content as S3 writes it: `'` and `"` stay as they are. */
const xmlEscape = (text: string): string => text.replace(/[<>&]/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;" })[c]!);

/** S3's answer to a request SigV4 verification refused. */
export function s3RefusalError(refusal: SigV4Refusal, region: string): S3Error {
  switch (refusal.reason) {
    case "missing-authorization":
      return { status: 403, code: "AccessDenied", message: "Access Denied" };
    case "unsupported-algorithm":
      return {
        status: 400,
        code: "InvalidArgument",
        message: "Unsupported Authorization Type",
        fields: [
          ["ArgumentName", "Authorization"],
          ["ArgumentValue", refusal.algorithm],
        ],
      };
    case "malformed-authorization":
      return { status: 400, code: "AuthorizationHeaderMalformed", message: `The authorization header is malformed; ${refusal.detail}` };
    case "wrong-region":
      return {
        status: 400,
        code: "AuthorizationHeaderMalformed",
        message: `The authorization header is malformed; the region '${refusal.given}' is wrong; expecting '${refusal.expected}'`,
        fields: [["Region", region]],
      };
    case "wrong-service":
      return { status: 400, code: "AuthorizationHeaderMalformed", message: `The authorization header is malformed; incorrect service '${refusal.given}'. This endpoint belongs to 's3'.` };
    case "missing-date":
      return { status: 403, code: "AccessDenied", message: "AWS authentication requires a valid Date or x-amz-date header" };
    case "scope-date-mismatch":
      return { status: 400, code: "AuthorizationHeaderMalformed", message: "The authorization header is malformed; Invalid credential date. Date is not the same as X-Amz-Date." };
    case "unsigned-header":
      return { status: 403, code: "AccessDenied", message: "There were headers present in the request which were not signed", fields: [["HeadersNotSigned", refusal.header]] };
    case "missing-content-sha256":
      return { status: 400, code: "InvalidRequest", message: "Missing required header for this request: x-amz-content-sha256" };
    case "invalid-content-sha256":
      return {
        status: 400,
        code: "InvalidArgument",
        message: "x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD, or a valid sha256 value.",
        fields: [
          ["ArgumentName", "x-amz-content-sha256"],
          ["ArgumentValue", refusal.value],
        ],
      };
    case "request-time-too-skewed":
      return {
        status: 403,
        code: "RequestTimeTooSkewed",
        message: "The difference between the request time and the current time is too large.",
        fields: [
          ["RequestTime", refusal.requestTime.toUTCString()],
          ["ServerTime", refusal.serverTime.toISOString()],
          ["MaxAllowedSkewMilliseconds", "900000"],
        ],
      };
    case "unknown-access-key":
    case "missing-session-token":
      return { status: 403, code: "InvalidAccessKeyId", message: "The AWS Access Key Id you provided does not exist in our records.", fields: [["AWSAccessKeyId", refusal.accessKeyId]] };
    case "invalid-session-token":
      return { status: 400, code: "InvalidToken", message: "The provided token is malformed or otherwise invalid." };
    case "expired-token":
      return { status: 400, code: "ExpiredToken", message: "The provided token has expired." };
    case "signature-mismatch":
      return {
        status: 403,
        code: "SignatureDoesNotMatch",
        message: "The request signature we calculated does not match the signature you provided. Check your key and signing method.",
        fields: [
          ["AWSAccessKeyId", refusal.accessKeyId],
          ["StringToSign", refusal.stringToSign],
          ["SignatureProvided", refusal.signatureProvided],
          ["CanonicalRequest", refusal.canonicalRequest],
        ],
      };
    case "content-sha256-mismatch":
      return {
        status: 400,
        code: "XAmzContentSHA256Mismatch",
        message: "The provided 'x-amz-content-sha256' header does not match what was computed.",
        fields: [
          ["ClientComputedContentSHA256", refusal.declared],
          ["S3ComputedContentSHA256", refusal.computed],
        ],
      };
  }
}

export async function startS3(options: S3Options): Promise<StandIn> {
  const now = options.now ?? (() => new Date());
  const objects = new Map(
    options.objects.map((object) => {
      const stat = statSync(object.file);
      const etag = `"${createHash("md5").update(readFileSync(object.file)).digest("hex")}"`;
      return [`${object.bucket}/${object.key}`, { ...object, size: stat.size, lastModified: stat.mtime, etag }];
    }),
  );
  const buckets = new Set(options.objects.map((object) => object.bucket));
  const regional = `.s3.${options.region}.amazonaws.com`;

  return startHttpStandIn("s3", { ...options, tls: options.tls }, ({ method, target, headers, body }) => {
    const requestId = randomBytes(8).toString("hex").toUpperCase();
    const common = { "x-amz-request-id": requestId, "x-amz-id-2": randomBytes(48).toString("base64"), date: now().toUTCString(), server: "AmazonS3" };
    const path = target.split("?")[0]!;
    const host = hostName(headers);
    // Virtual-hosted style (what the hosts use), or path style on the regional endpoint.
    const [bucket, rawKey] = host.endsWith(regional)
      ? [host.slice(0, -regional.length), path.slice(1)]
      : host === regional.slice(1)
        ? [path.slice(1).split("/")[0]!, path.slice(1).split("/").slice(1).join("/")]
        : ["", ""];
    const key = (() => {
      try {
        return decodeURIComponent(rawKey);
      } catch {
        return rawKey;
      }
    })();
    const operation = method === "HEAD" ? "HeadObject" : method === "GET" ? "GetObject" : `${method}Object`;
    const action = `${operation} ${bucket}/${key}`;
    const fail = (error: S3Error, detail?: string): HttpAnswer => {
      const fields = [["Code", error.code], ["Message", error.message], ...(error.fields ?? []), ["RequestId", requestId], ["HostId", common["x-amz-id-2"]]];
      const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<Error>${fields.map(([name, value]) => `<${name}>${xmlEscape(value!)}</${name}>`).join("")}</Error>`;
      return { status: error.status, headers: { ...common, "content-type": "application/xml" }, body: xml, action, verdict: error.code, ...(detail ? { detail } : {}) };
    };
    // Not S3 behaviour: a name the stand-in does not serve means the rehearsal's DNS sent it here by mistake.
    if (!bucket) return fail({ status: 400, code: "InvalidRequest", message: `This stand-in serves ${regional.slice(1)} and its buckets, not ${host}` }, "WrongHost");

    const verdict = verifySigV4({ method, target, headers, body }, { service: "s3", region: options.region, credentials: options.store.lookup, now: now() });
    if (!verdict.ok) return fail(s3RefusalError(verdict, options.region), verdict.reason);
    if (!buckets.has(bucket)) return fail({ status: 404, code: "NoSuchBucket", message: "The specified bucket does not exist.", fields: [["BucketName", bucket]] });

    const role = verdict.credential.principal.roleName;
    const identity = role === undefined ? undefined : options.roleGrants[role];
    const allows = (grants: S3Grants | undefined, action: "getObject" | "listBucket", arn: string) => grants !== undefined && anyArnMatches(grants[action] ?? [], arn);
    const endpointAllows = (action: "getObject" | "listBucket", arn: string) => options.endpointGrants === undefined || allows(options.endpointGrants, action, arn);
    const objectArn = `arn:aws:s3:::${bucket}/${key}`;
    if (operation !== "GetObject" && operation !== "HeadObject") return fail({ status: 403, code: "AccessDenied", message: "Access Denied" }, `no policy allows ${operation}`);
    if (!allows(identity, "getObject", objectArn))
      return fail({ status: 403, code: "AccessDenied", message: "Access Denied" }, `the identity policy of ${verdict.credential.principal.arn} does not allow s3:GetObject on ${objectArn}`);
    if (!endpointAllows("getObject", objectArn)) return fail({ status: 403, code: "AccessDenied", message: "Access Denied" }, `the VPC endpoint policy does not allow s3:GetObject on ${objectArn}`);
    const object = objects.get(`${bucket}/${key}`);
    if (!object) {
      const bucketArn = `arn:aws:s3:::${bucket}`;
      if (allows(identity, "listBucket", bucketArn) && endpointAllows("listBucket", bucketArn))
        return fail({ status: 404, code: "NoSuchKey", message: "The specified key does not exist.", fields: [["Key", key]] });
      return fail({ status: 403, code: "AccessDenied", message: "Access Denied" }, "the key does not exist and s3:ListBucket is not allowed");
    }
    return {
      status: 200,
      headers: {
        ...common,
        "content-type": object.contentType ?? "binary/octet-stream",
        "content-length": String(object.size),
        etag: object.etag,
        "last-modified": object.lastModified.toUTCString(),
        "accept-ranges": "bytes",
        "x-amz-server-side-encryption": "AES256",
      },
      ...(operation === "GetObject" ? { body: { file: object.file } } : {}),
      action,
      verdict: "OK",
    };
  });
}
