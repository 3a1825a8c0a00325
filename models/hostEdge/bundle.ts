/**
 * The host bundle a host boots from: one pinned, checksummed tarball in S3 (a copy per region),
 * built by `npm run bundle`. Nothing else is downloaded at boot: no `apt`, no "latest" (a pinned
 * image that installs whatever was published that day is not pinned).
 *
 * Layout of `edge-ingest-<release>.tar.gz` (one top directory, `edge-ingest-<release>/`):
 *   SHA256SUMS      sha256 of every other file but manifest.json (`sha256sum -c` format)
 *   manifest.json   release, commit, OS, runtime, packages and every file's sha256
 *   target.env      the OS the bundle is built for: a host on another refuses it before installing
 *   bin/ingest      the service's command (`ingest --listen HOST:PORT`)
 *   runtime/node    the pinned Node.js runtime
 *   service/        the service
 *   certs/          the CA bundle the datastore's certificate is verified against (Amazon RDS's)
 *   debs/*.deb      nginx-light and its Debian dependencies, amazon-cloudwatch-agent.deb,
 *                   amazon-ssm-agent.deb (both agents pinned by version and sha256, tools/bundle/pins.ts)
 *
 * The user data pins the tarball's sha256; the tarball carries SHA256SUMS for every file inside, so
 * each file is checked against a hash the launch template pins before anything is installed.
 *
 * Pure module: no Pulumi imports.
 */
import type { HostBundle } from "./settings";

/** Where the bundle is unpacked; `current` points at the release in use. */
export const bundleRoot = "/opt/edge-ingest";
export const bundleFetchScriptPath = "/usr/local/sbin/edge-fetch-bundle";
export const bundleVerifyScriptPath = "/usr/local/sbin/edge-verify-bundle";
export const bundleInstallScriptPath = "/usr/local/sbin/edge-install-bundle";
/** The bundle's file naming the OS it is built for (`ID`, `VERSION_ID`, `ARCHITECTURE` lines). */
export const bundleTargetFile = "target.env";
/**
 * The Amazon RDS CA bundle every host bundle ships (Debian's CA store has no RDS root): the default
 * CA the service verifies the datastore's certificate against.
 */
export const bundledDatastoreCaPath = `${bundleRoot}/current/certs/rds-global-bundle.pem`;

/**
 * curl for instance metadata: at boot the metadata service or the instance profile's credentials
 * can be missing for a few seconds (the role's credentials answer 404 until they are issued), and
 * IMDS throttles bursts, so every call is retried on any error, bounded in count and time.
 */
const imdsCurl = "curl -fsS --retry 10 --retry-all-errors --retry-delay 1 --retry-max-time 60";

/**
 * sha256 of an empty payload. S3 requires `x-amz-content-sha256` on every SigV4 request and
 * refuses one without it (400 InvalidRequest, "Missing required header for this request:
 * x-amz-content-sha256"; S3 API Reference, "Authenticating Requests: Using the Authorization
 * Header"), and uses its value as the canonical request's payload hash. Debian 12's curl 7.88.1
 * does not send it (curl adds it for S3 only from 8.x); given as a header, curl signs it with the
 * others. A GET's payload is empty, so its hash is the empty string's.
 */
export const emptyPayloadSha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/** The shell lines that read an IMDSv2 token into `$token` and define `md PATH` (a metadata GET). */
export function imdsShellFunctions(): string {
  return `imds=http://169.254.169.254/latest
token=$(${imdsCurl} -X PUT -H "X-aws-ec2-metadata-token-ttl-seconds: 300" "$imds/api/token")
md() { ${imdsCurl} -H "X-aws-ec2-metadata-token: $token" "$imds/$1"; }`;
}

/** The bundle's bucket in `region`: `{region}` in the configured name is the host's region (a copy per region). */
export function bundleBucketName(bundle: HostBundle, region: string): string {
  return bundle.bucket.replace("{region}", region);
}

/** ARN of the one bundle object the hosts of `region` read. */
export function bundleObjectArn(bundle: HostBundle, region: string): string {
  return `arn:aws:s3:::${bundleBucketName(bundle, region)}/${bundle.key}`;
}

/**
 * Downloads the tarball with the host role's credentials from instance metadata (IMDSv2) and
 * curl's SigV4 signing (curl 7.75+; Debian 12 has 7.88), from the region's bucket over the S3
 * gateway endpoint. No AWS CLI is needed, and nothing else is fetched.
 */
export function renderBundleFetch(bundle: HostBundle): string {
  return `#!/bin/sh
# Fetches the pinned host bundle to $1 with the host role (IMDSv2 credentials, SigV4 by curl).
set -eu
out="$1"
${imdsShellFunctions()}
region=$(md meta-data/placement/region)
role=$(md meta-data/iam/security-credentials/)
creds=$(md "meta-data/iam/security-credentials/$role")
field() { printf '%s' "$creds" | sed -n "s/.*\\"$1\\" *: *\\"\\([^\\"]*\\)\\".*/\\1/p"; }
bucket=$(printf '%s' '${bundle.bucket}' | sed "s/{region}/$region/g")
curl -fsS --retry 5 --retry-connrefused -o "$out" \\
  --aws-sigv4 "aws:amz:$region:s3" --user "$(field AccessKeyId):$(field SecretAccessKey)" \\
  -H "x-amz-security-token: $(field Token)" -H "x-amz-content-sha256: ${emptyPayloadSha256}" \\
  "https://$bucket.s3.$region.amazonaws.com/${bundle.key}"
`;
}

/**
 * Verifies a downloaded tarball against the pinned sha256, unpacks it into a new directory and
 * checks every file against its SHA256SUMS; prints the unpacked release directory. Exits non-zero,
 * having installed nothing, on any mismatch.
 */
export function renderBundleVerify(bundle: HostBundle): string {
  return `#!/bin/sh
# Verifies the host bundle $1 (pinned sha256, then every file's), unpacks it under $2, prints its directory.
set -eu
tarball="$1"
into="$2"
echo "${bundle.sha256}  $tarball" | sha256sum -c --quiet - >&2 || { echo "edge: $tarball is not the pinned bundle (sha256 ${bundle.sha256})" >&2; exit 1; }
mkdir -p "$into"
staging=$(mktemp -d "$into/.unpack.XXXXXX")
tar -xzf "$tarball" -C "$staging"
release=$(ls "$staging")
cd "$staging/$release"
sha256sum -c --quiet --strict SHA256SUMS >&2 || { echo "edge: a file of $release does not match its SHA256SUMS" >&2; exit 1; }
listed=$(sed 's/^[0-9a-f]*  //' SHA256SUMS | sort)
present=$(find . -type f ! -name SHA256SUMS ! -name manifest.json | sed 's|^\\./||' | sort)
[ "$listed" = "$present" ] || { echo "edge: $release holds files SHA256SUMS does not list" >&2; exit 1; }
rm -rf "$into/$release"
mv "$staging/$release" "$into/$release"
rmdir "$staging"
echo "$into/$release"
`;
}

/** Fetches, verifies, then installs: nginx's and the agents' .deb files, and the service as `current`. */
export function renderBundleInstall(): string {
  return `#!/bin/sh
# Installs the pinned host bundle: nothing is installed unless every sha256 matched.
set -eu
tarball=$(mktemp /tmp/edge-bundle.XXXXXX)
${bundleFetchScriptPath} "$tarball"
release=$(${bundleVerifyScriptPath} "$tarball" ${bundleRoot})
rm -f "$tarball"
# A bundle's .debs and runtime are built for one OS: an image of another release or architecture refuses it before anything is installed.
. /etc/os-release
host="ID=$ID VERSION_ID=$VERSION_ID ARCHITECTURE=$(dpkg --print-architecture)"
built=$(tr '\\n' ' ' < "$release/${bundleTargetFile}" | sed 's/ $//')
[ "$host" = "$built" ] || { echo "edge: $release is built for $built, this host is $host" >&2; exit 1; }
# No unit starts while packages install (nginx must not start on the Debian default config); the
# user data starts each one once its config is in place.
printf '#!/bin/sh\\nexit 101\\n' > /usr/sbin/policy-rc.d && chmod 0755 /usr/sbin/policy-rc.d
DEBIAN_FRONTEND=noninteractive dpkg -i --force-confold "$release"/debs/*.deb
rm -f /usr/sbin/policy-rc.d
ln -sfn "$release" ${bundleRoot}/current
ln -sfn ${bundleRoot}/current/bin/ingest /usr/local/bin/ingest
`;
}

/**
 * SSM Agent's systemd unit, from the bundle's amazon-ssm-agent.deb: Session Manager is the only
 * shell on a host (no SSH, no key pair), and the `ssm`, `ssmmessages` and `ec2messages` endpoints
 * are there for it. The Debian AMIs do not ship the agent, and the install step keeps every
 * package's service stopped, so the user data enables and starts it.
 */
export const ssmAgentUnit = "amazon-ssm-agent.service";

/** The boot step when no bundle is pinned: the host refuses to boot, saying why, rather than install anything else. */
export const missingBundleCommand = 'echo "edge: no host bundle pinned (edge:ingest.bundle); refusing to install anything unpinned" >&2; exit 1';
