/**
 * disallow-public-bucket-acl — mandatory. Security baseline; no post-mortem of its own.
 *
 * No S3 bucket is readable or writable by everyone through its ACL: neither a canned ACL
 * (`public-read`, `public-read-write`, `authenticated-read`) nor a grant to the `AllUsers` or
 * `AuthenticatedUsers` group, on `aws.s3.BucketAcl` / `BucketAclV2` or on the bucket's own
 * (legacy) `acl` and `grants` inputs. The snippet is served through the CDN (incident 000's third
 * action item), never straight from a public bucket. The CDN's own policy keeps its origin bucket
 * private through the public access block and bucket policy; this one covers ACLs on every bucket.
 *
 * Controls: policies/metadata.ts.
 */
import { cite } from "../metadata";
import * as aws from "@pulumi/aws";
import { ResourceValidationPolicy } from "@pulumi/policy";
import { ofType, validateResourceOfTypes } from "../resourceTypes";

/** Canned ACLs that open a bucket beyond its account. */
export const publicCannedAcls: ReadonlySet<string> = new Set(["public-read", "public-read-write", "authenticated-read"]);

/** Grantee group URIs that mean "anyone" and "any AWS account". */
export const publicGranteeUris: ReadonlySet<string> = new Set(["http://acs.amazonaws.com/groups/global/AllUsers", "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"]);

export interface AclSubject {
  /** What to call the resource in the message, e.g. `bucket ACL for snippet-origin`. */
  what: string;
  cannedAcl?: string;
  /** Each grant's grantee URI (if any) and permissions. */
  grants: { uri?: string; permissions: string[] }[];
}

/** Every violation of one ACL subject. */
export function judgeBucketAcl(subject: AclSubject): string[] {
  const out: string[] = [];
  if (subject.cannedAcl && publicCannedAcls.has(subject.cannedAcl)) {
    out.push(
      `${subject.what} uses the canned ACL '${subject.cannedAcl}', which opens the bucket beyond this account. ` +
        `Use 'private' (or drop the ACL: buckets default to owner-only) and serve public content through the CDN. ` +
        `Incident 000 moved the snippet onto a CDN, not onto a public bucket. ${cite("disallow-public-bucket-acl", "cannedAcl")}`,
    );
  }
  for (const grant of subject.grants) {
    if (grant.uri && publicGranteeUris.has(grant.uri)) {
      const group = grant.uri.split("/").pop();
      out.push(
        `${subject.what} grants ${grant.permissions.join(", ") || "access"} to the ${group} group (${grant.uri}). ` +
          `Remove the grant; grant to a canonical user id or use a bucket policy limited to the CDN. ${cite("disallow-public-bucket-acl", group === "AllUsers" ? "allUsersGrant" : "authenticatedUsersGrant")}`,
      );
    }
  }
  return out;
}

function names(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : typeof value === "string" ? [value] : [];
}

/** A bucket's own (legacy) `acl` and `grants` inputs. */
function bucketSubject(bucket: { bucket?: string; acl?: string; grants?: { uri?: string; permissions: string[] }[] }, name: string): AclSubject {
  const grants = (bucket.grants ?? []).map((g) => ({ uri: g.uri, permissions: names(g.permissions) }));
  return { what: `bucket ${bucket.bucket ?? name}`, cannedAcl: bucket.acl, grants };
}

export const disallowPublicBucketAcl: ResourceValidationPolicy = {
  name: "disallow-public-bucket-acl",
  description: "No S3 bucket ACL (canned or grant) opens a bucket to AllUsers or AuthenticatedUsers.",
  enforcementLevel: "mandatory",
  validateResource: validateResourceOfTypes(
    ...[aws.s3.BucketAcl, aws.s3.BucketAclV2].map((resourceClass) =>
      ofType(resourceClass, (acl, args, reportViolation) => {
        const grants = (acl.accessControlPolicy?.grants ?? []).map((g) => ({ uri: g.grantee?.uri, permissions: names(g.permission) }));
        for (const message of judgeBucketAcl({ what: `bucket ACL ${args.name} (bucket ${acl.bucket})`, cannedAcl: acl.acl, grants })) {
          reportViolation(message);
        }
      }),
    ),
    ofType(aws.s3.Bucket, (bucket, args, reportViolation) => {
      for (const message of judgeBucketAcl(bucketSubject(bucket, args.name))) reportViolation(message);
    }),
    ofType(aws.s3.BucketV2, (bucket, args, reportViolation) => {
      for (const message of judgeBucketAcl(bucketSubject(bucket, args.name))) reportViolation(message);
    }),
  ),
};
