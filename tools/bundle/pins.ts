/**
 * What a host bundle ships besides the service, at fixed versions: a team changes these on purpose
 * and rebuilds. Nothing is fetched at boot ("latest" downloads and `apt` at boot are how two hosts
 * of one release end up different).
 */

/** Debian packages of nginx, as `apt-get download` fetches them for the hosts' release (Debian 12). */
export const nginxPackages = ["nginx-light", "nginx", "nginx-common", "libnginx-mod-http-echo"] as const;

/**
 * The Node.js runtime is the one the service's tests ran on: the builder copies `process.execPath`
 * and names its version in the manifest. Node 20 (what these machines run) is past its end of
 * life (April 2026): upgrade by running the tests and the builder under the new Node.
 */
export const runtimeNote = "the Node.js binary the builder ran under (process.execPath); Node 20 is past end of life: upgrade deliberately";

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
  neededFor:
    "every host starts SSM Agent from its bundle: Session Manager is the only shell on a host, and the ssmmessages and ec2messages endpoints serve nothing else",
  howToVerify: (url) =>
    "pick an agent version from its release notes (https://github.com/aws/amazon-ssm-agent/blob/mainline/RELEASENOTES.md); download " +
    `${url} and the same URL with .sig, check it with gpg --verify against the public key and fingerprint printed in the Systems Manager User Guide, ` +
    '"Verify the signature of SSM Agent" (the key is rotated: take the one the guide shows today)',
};

/** Every pinned .deb a bundle carries, in the order the builder checks and reports them. */
export const pinnedDebs: readonly PinnedDeb[] = [cloudwatchAgentPin, ssmAgentPin];
