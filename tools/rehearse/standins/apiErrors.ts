/**
 * How the AWS APIs other than S3 refuse a request, in their two wire forms: the JSON protocols
 * (SSM and CloudWatch Logs, `application/x-amz-json-1.1`; `{"__type": …, "message": …}`) and the
 * query protocol (CloudWatch metrics; an XML `ErrorResponse`).
 *
 * Followed:
 * - The services' "Common Errors" (e.g. https://docs.aws.amazon.com/systems-manager/latest/APIReference/CommonErrors.html,
 *   https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/CommonErrors.html,
 *   https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CommonErrors.html): the codes
 *   IncompleteSignature, InvalidClientTokenId, MissingAuthenticationToken, ExpiredToken,
 *   AccessDenied and their meanings.
 * - What the JSON services' front end puts on the wire, as the DynamoDB Developer Guide documents
 *   it for the same front end ("Error handling with DynamoDB" → "Error messages and codes",
 *   https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Programming.Errors.html):
 *   status 400 with `MissingAuthenticationTokenException`, `IncompleteSignatureException`,
 *   `InvalidSignatureException`, `UnrecognizedClientException`, `ExpiredTokenException`,
 *   `AccessDeniedException` as `__type` (prefixed `com.amazon.coral.service#`).
 * - The messages are the services' own as they answer (e.g. "Signature expired: … is now earlier
 *   than … (… - 15 min.)", "Credential should be scoped to a valid region. "); the SDKs read only the
 *   code, so a message that differs in wording changes nothing a client does.
 */
import { randomUUID } from "node:crypto";
import { amzDateOf, maxClockSkewMs, type SigV4Refusal } from "./sigv4";
import type { HttpAnswer } from "./standIn";

export interface ApiError {
  status: number;
  code: string;
  message?: string;
}

const signatureMismatch =
  "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.";
const invalidToken = "The security token included in the request is invalid.";
const expiredToken = "The security token included in the request is expired";

function skewMessage(requestTime: Date, serverTime: Date): string {
  return requestTime < serverTime
    ? `Signature expired: ${amzDateOf(requestTime)} is now earlier than ${amzDateOf(new Date(serverTime.getTime() - maxClockSkewMs))} (${amzDateOf(serverTime)} - 15 min.)`
    : `Signature not yet current: ${amzDateOf(requestTime)} is still later than ${amzDateOf(new Date(serverTime.getTime() + maxClockSkewMs))} (${amzDateOf(serverTime)} + 15 min.)`;
}

function unsignedMessage(header: string): string {
  return header === "host" ? "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization." : `'${header}' must be a 'SignedHeader' in the AWS Authorization.`;
}

/** The JSON protocols' answer to a refused signature (SSM, CloudWatch Logs). */
export function jsonRefusalError(refusal: SigV4Refusal): ApiError {
  switch (refusal.reason) {
    case "missing-authorization":
      return { status: 400, code: "MissingAuthenticationTokenException", message: "Missing Authentication Token" };
    case "unsupported-algorithm":
      return { status: 400, code: "IncompleteSignatureException", message: `Unsupported AWS 'algorithm': '${refusal.algorithm}'` };
    case "malformed-authorization":
      return { status: 400, code: "IncompleteSignatureException", message: refusal.detail };
    case "missing-date":
      return { status: 400, code: "IncompleteSignatureException", message: "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header." };
    case "unsigned-header":
      return { status: 400, code: "IncompleteSignatureException", message: unsignedMessage(refusal.header) };
    case "wrong-region":
      return { status: 400, code: "InvalidSignatureException", message: "Credential should be scoped to a valid region. " };
    case "wrong-service":
      return { status: 400, code: "InvalidSignatureException", message: `Credential should be scoped to correct service: '${refusal.expected}'. ` };
    case "scope-date-mismatch":
      return {
        status: 400,
        code: "InvalidSignatureException",
        message: `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${refusal.scopeDate}' != '${refusal.requestDate.slice(0, 8)}', from '${refusal.requestDate}'.`,
      };
    case "request-time-too-skewed":
      return { status: 400, code: "InvalidSignatureException", message: skewMessage(refusal.requestTime, refusal.serverTime) };
    case "unknown-access-key":
    case "missing-session-token":
    case "invalid-session-token":
      return { status: 400, code: "UnrecognizedClientException", message: invalidToken };
    case "expired-token":
      return { status: 400, code: "ExpiredTokenException", message: expiredToken };
    case "signature-mismatch":
    case "missing-content-sha256":
    case "invalid-content-sha256":
    case "content-sha256-mismatch":
      return { status: 400, code: "InvalidSignatureException", message: signatureMismatch };
  }
}

/** The query protocol's answer to a refused signature (CloudWatch metrics): `Sender` faults, mostly 403. */
export function queryRefusalError(refusal: SigV4Refusal): ApiError {
  switch (refusal.reason) {
    case "missing-authorization":
      return { status: 403, code: "MissingAuthenticationToken", message: "Request is missing Authentication Token" };
    case "unsupported-algorithm":
    case "malformed-authorization":
    case "missing-date":
    case "unsigned-header":
      return { status: 400, code: "IncompleteSignature", message: jsonRefusalError(refusal).message };
    case "wrong-region":
    case "wrong-service":
    case "scope-date-mismatch":
    case "request-time-too-skewed":
      return { status: 403, code: "SignatureDoesNotMatch", message: jsonRefusalError(refusal).message };
    case "unknown-access-key":
    case "missing-session-token":
    case "invalid-session-token":
      return { status: 403, code: "InvalidClientTokenId", message: invalidToken };
    case "expired-token":
      return { status: 403, code: "ExpiredToken", message: expiredToken };
    case "signature-mismatch":
    case "missing-content-sha256":
    case "invalid-content-sha256":
    case "content-sha256-mismatch":
      return { status: 403, code: "SignatureDoesNotMatch", message: signatureMismatch };
  }
}

/** Errors the front end raises carry Coral's namespace in `__type`; a service's own errors do not. */
const frontEndCodes = new Set([
  "MissingAuthenticationTokenException",
  "IncompleteSignatureException",
  "InvalidSignatureException",
  "UnrecognizedClientException",
  "ExpiredTokenException",
  "UnknownOperationException",
  "SerializationException",
]);

export function jsonAnswer(contentType: string, action: string, body: unknown, detail?: string): HttpAnswer {
  return { status: 200, headers: { "content-type": contentType, "x-amzn-requestid": randomUUID() }, body: JSON.stringify(body), action, verdict: "OK", ...(detail ? { detail } : {}) };
}

export function jsonErrorAnswer(contentType: string, action: string, error: ApiError, detail?: string): HttpAnswer {
  const type = frontEndCodes.has(error.code) ? `com.amazon.coral.service#${error.code}` : error.code;
  return {
    status: error.status,
    headers: { "content-type": contentType, "x-amzn-requestid": randomUUID(), "x-amzn-errortype": `${error.code}:` },
    body: JSON.stringify(error.message === undefined ? { __type: type } : { __type: type, message: error.message }),
    action,
    verdict: error.code,
    ...(detail ? { detail } : {}),
  };
}

export function queryErrorAnswer(namespace: string, action: string, error: ApiError, detail?: string): HttpAnswer {
  const requestId = randomUUID();
  const escapeXml = (text: string) => text.replace(/[<>&]/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;" })[c]!);
  const body = `<ErrorResponse xmlns="${namespace}">\n  <Error>\n    <Type>Sender</Type>\n    <Code>${error.code}</Code>\n    <Message>${escapeXml(error.message ?? "")}</Message>\n  </Error>\n  <RequestId>${requestId}</RequestId>\n</ErrorResponse>\n`;
  return { status: error.status, headers: { "content-type": "text/xml", "x-amzn-requestid": requestId }, body, action, verdict: error.code, ...(detail ? { detail } : {}) };
}
