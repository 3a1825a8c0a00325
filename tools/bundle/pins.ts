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

export interface CloudWatchAgentPin {
  /** Agent version, e.g. `1.300xxxx.0` from the agent's release notes; null until a team pins one. */
  version: string | null;
  /** sha256 of the .deb at `url`, hex; null until pinned. */
  sha256: string | null;
  /** Where the pinned .deb is published (the agent's versioned S3 download path). */
  url: (version: string) => string;
}

/**
 * The CloudWatch agent cannot be downloaded where this repository is built and tested, so its pin is
 * left for the team to fill in, once, before the first bundle: `npm run bundle` refuses to build
 * while `version` or `sha256` is empty (`filledPin` in bundle.ts says how to fill them), and
 * refuses a .deb that does not match.
 * EMF needs agent 1.230621.0 or later.
 */
export const cloudwatchAgentPin: CloudWatchAgentPin = {
  version: null,
  sha256: null,
  url: (version) => `https://amazoncloudwatch-agent.s3.amazonaws.com/debian/amd64/${version}/amazon-cloudwatch-agent.deb`,
};
