/**
 * The keys the stand-ins know and whom they belong to: the role sessions that instance metadata
 * hands out (temporary, `ASIA…` with a session token and an expiry, as STS issues them), and
 * long-term user keys (`AKIA…`, no token) for tests. Shared by every stand-in of one rehearsal,
 * so credentials from the metadata stand-in are the ones S3, SSM and CloudWatch accept.
 *
 * Key formats follow the IAM User Guide, "IAM identifiers" → "Understand unique ID prefixes"
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html): `AKIA` an access
 * key, `ASIA` a temporary (STS) access key, `AIPA` an instance profile.
 */
import { randomBytes } from "node:crypto";
import type { CredentialLookup, KnownCredential } from "./sigv4";

/** How long an issued role session lasts: EC2 serves instance-profile credentials valid for about 6 hours. */
export const roleSessionLifetimeMs = 6 * 60 * 60 * 1000;

const base32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
const keyId = (prefix: string): string => prefix + Array.from(randomBytes(16), (b) => base32[b % 32]).join("");

export class CredentialStore {
  private readonly keys = new Map<string, KnownCredential>();

  constructor(readonly accountId: string) {
    if (!/^\d{12}$/.test(accountId)) throw new Error(`accountId: expected 12 digits, got ${JSON.stringify(accountId)}`);
  }

  /** A new temporary key of `roleName`'s session `sessionName` (EC2 names it after the instance id). */
  issueRoleSession(roleName: string, sessionName: string, now = new Date(), lifetimeMs = roleSessionLifetimeMs): KnownCredential {
    const credential: KnownCredential = {
      accessKeyId: keyId("ASIA"),
      secretAccessKey: randomBytes(30).toString("base64"),
      sessionToken: `IQoJb3JpZ2luX2Vj${randomBytes(240).toString("base64")}`,
      expiration: new Date(now.getTime() + lifetimeMs),
      principal: { arn: `arn:aws:sts::${this.accountId}:assumed-role/${roleName}/${sessionName}`, roleName },
    };
    this.keys.set(credential.accessKeyId, credential);
    return credential;
  }

  /** A long-term access key of an IAM user: no session token. */
  addUserKey(userName: string): KnownCredential {
    const credential: KnownCredential = {
      accessKeyId: keyId("AKIA"),
      secretAccessKey: randomBytes(30).toString("base64"),
      principal: { arn: `arn:aws:iam::${this.accountId}:user/${userName}` },
    };
    this.keys.set(credential.accessKeyId, credential);
    return credential;
  }

  readonly lookup: CredentialLookup = (accessKeyId) => this.keys.get(accessKeyId);
}

/**
 * Whether `arn` matches the IAM resource pattern `pattern`: `*` any run of characters (also `/`
 * and `:`), `?` one character, everything else literal and case-sensitive (IAM User Guide, "IAM
 * JSON policy elements: Resource", https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html).
 */
export function arnMatches(pattern: string, arn: string): boolean {
  const regex = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, "\\$&")
      .replace(/\*/g, ".*")
      .replace(/\?/g, ".")}$`,
    "s",
  );
  return regex.test(arn);
}

export const anyArnMatches = (patterns: readonly string[], arn: string): boolean => patterns.some((pattern) => arnMatches(pattern, arn));
