/**
 * configure-cdn-default-root-object — mandatory. Security baseline; no post-mortem of its own.
 *
 * A distribution with S3 origins names the object it answers the root URL with
 * (`defaultRootObject`): otherwise a request for `/` is forwarded to the bucket as its root, whose
 * answer (an S3 error, or a listing where a policy allows one) tells the world about the origin.
 * Distributions with custom origins only are not judged (the catalogs skip them too). Controls:
 * policies/metadata.ts.
 */
import * as aws from "@pulumi/aws";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { cite } from "../metadata";

const name = "configure-cdn-default-root-object";

export function judgeDefaultRootObject(distribution: string, s3Origins: number, defaultRootObject: string | undefined): string | undefined {
  if (s3Origins === 0 || (defaultRootObject ?? "") !== "") return undefined;
  return (
    `distribution ${distribution} has ${s3Origins} S3 origin(s) and no defaultRootObject: a request for / reaches the bucket's root. ` +
    `Set defaultRootObject to the object the root URL should serve (SnippetCdn uses the loader, "loader.js"). ${cite(name, "defaultRootObject")}`
  );
}

export const configureDefaultRootObject: ResourceValidationPolicy = {
  name,
  description: "CloudFront distributions with S3 origins answer the root URL with a named object (defaultRootObject).",
  enforcementLevel: "mandatory",
  validateResource: validateResourceOfType(aws.cloudfront.Distribution, (distribution, args, reportViolation) => {
    const s3Origins = (distribution.origins ?? []).filter((o) => o.customOriginConfig === undefined).length;
    const message = judgeDefaultRootObject(args.name, s3Origins, distribution.defaultRootObject);
    if (message) reportViolation(message);
  }),
};
