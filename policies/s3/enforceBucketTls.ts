/**
 * enforce-bucket-tls — mandatory. Security baseline; no post-mortem of its own.
 *
 * Every bucket's policy denies every S3 action on the bucket and its objects when
 * `aws:SecureTransport` is false (the statement `denyPlainHttp` in components/logBucket.ts writes):
 * without it a client (or a misconfigured SDK) may read or write the snippet and the logs in
 * clear text. Controls: policies/metadata.ts.
 */
import { cite } from "../metadata";
import { stackRulePolicy } from "../stackRule";
import { bucketLabel, bucketPolicyStatements, bucketTypes, list, principals, Statement } from "./buckets";

const name = "enforce-bucket-tls";

/** Whether the statement denies everyone every S3 action, on the bucket and its objects, over plain HTTP. */
function deniesPlainHttp(statement: Statement): boolean {
  if (statement.Effect !== "Deny" || !principals(statement, "AWS").includes("*")) return false;
  if (!list(statement.Action).some((a) => a === "s3:*" || a === "*")) return false;
  const resources = list(statement.Resource);
  if (!resources.includes("*") && !(resources.some((r) => !r.endsWith("/*")) && resources.some((r) => r.endsWith("/*")))) return false;
  const bool = (statement.Condition as Record<string, Record<string, unknown>> | undefined)?.Bool ?? {};
  return Object.entries(bool).some(([k, v]) => k.toLowerCase() === "aws:securetransport" && String(v) === "false");
}

export const enforceBucketTls = stackRulePolicy({
  name,
  description: "Every S3 bucket's policy denies all requests that do not use TLS (aws:SecureTransport false).",
  types: bucketTypes,
  judge(bucket, stack) {
    const statements = bucketPolicyStatements(bucket, stack);
    if (statements.some(deniesPlainHttp)) return undefined;
    return (
      `${bucketLabel(bucket)} accepts requests over plain HTTP: ${statements.length === 0 ? "it has no bucket policy" : "its policy has no statement that denies them"}; required is a Deny of s3:* on the bucket and its objects when aws:SecureTransport is false. ` +
      `Add that statement (denyPlainHttp in components/logBucket.ts) to the bucket's policy. ${cite(name, "denyPlainHttp")}`
    );
  },
});
