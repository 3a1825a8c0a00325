/**
 * The cloud-init user data of an ingestion host (Debian 12 AMI): installs nginx, the CloudWatch
 * agent, SSM Agent, the Node.js runtime and the service from the pinned host bundle
 * (models/hostEdge/bundle.ts), writes the rendered nginx config, the ingestion service and its
 * backup as systemd units, the drain script and the lifecycle watcher that runs it before termination.
 *
 * Incident 000: memory and swap are published (the alarms watch them). Incident 003: a host drains
 * (health check 404, in-flight requests finish) before a deploy or scale-in stops it, and nginx
 * has a backup process to fail over to while the primary restarts.
 *
 * Pure module: no Pulumi imports.
 */
import { gunzipSync, gzipSync } from "node:zlib";
import { parse } from "yaml";
import { hostMetrics, hostMetricsDimension, hostMetricsNamespace } from "../hostMetrics";
import {
  bundleFetchScriptPath,
  bundleInstallScriptPath,
  bundleVerifyScriptPath,
  imdsShellFunctions,
  missingBundleCommand,
  renderBundleFetch,
  renderBundleInstall,
  renderBundleVerify,
  ssmAgentUnit,
} from "./bundle";
import { listenBacklog } from "./buffers";
import { hostSysctlPath, hostTcpSettings, renderHostSysctl } from "./kernel";
import { nginxConfigPath, readinessReadTimeoutSeconds, renderNginxConfig, upstreamKeepaliveSeconds } from "./nginxConfig";
import { DatastoreEndpoint, drainFile, HostEdgeSettings, serviceReadinessPath, workerDescriptorLimit } from "./settings";

/** EC2 refuses user data above 16 KiB (before base64). */
export const userDataLimitBytes = 16 * 1024;

/**
 * User data as the launch template carries it: gzip, then base64. cloud-init reads gzip-compressed
 * user data as such (cloud-init docs, "User-data formats": gzip compressed content), and EC2's
 * 16 KiB applies to the bytes before base64, so the rendered config keeps its explanations and
 * stays a quarter of the limit. Node's gzip writes no timestamp: the same text encodes the same.
 */
export function encodeUserData(text: string): string {
  return gzipSync(Buffer.from(text, "utf8"), { level: 9 }).toString("base64");
}

/** The text of launch template user data: base64, gzip-compressed or not, or already plain text. */
export function decodeUserData(userData: string): string {
  const trimmed = userData.trim();
  if (/^#cloud-config|^#!/.test(trimmed)) return userData;
  const bytes = Buffer.from(trimmed, "base64");
  return (isGzip(bytes) ? gunzipSync(bytes) : bytes).toString("utf8");
}

/**
 * The content of the file user data writes to `path` (a `write_files` entry of its cloud-config),
 * or undefined when it writes none: what a host really gets, read back from the launch template.
 */
export function readWrittenFile(userData: string, path: string): string | undefined {
  const text = decodeUserData(userData);
  if (!/^#cloud-config/.test(text.trimStart())) return undefined;
  const doc = parse(text) as { write_files?: { path?: unknown; content?: unknown }[] } | null;
  const file = (doc?.write_files ?? []).find((f) => f.path === path);
  return typeof file?.content === "string" ? file.content : undefined;
}

/** gzip's magic number. */
export function isGzip(bytes: Buffer): boolean {
  return bytes.length > 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

export const drainScriptPath = "/usr/local/sbin/edge-drain";
export const undrainScriptPath = "/usr/local/sbin/edge-undrain";
export const cloudWatchAgentConfigPath = "/opt/aws/amazon-cloudwatch-agent/etc/amazon-cloudwatch-agent.json";
export const ingestUnit = "edge-ingest.service";
export const ingestBackupUnit = "edge-ingest-backup.service";
export const lifecycleWatchUnit = "edge-lifecycle-watch.service";
/** The drop-in that gives Debian's `nginx.service` its descriptor limit and restart policy. */
export const nginxDropInPath = "/etc/systemd/system/nginx.service.d/edge.conf";

/**
 * The backup process's command: the service command with its port replaced by the backup port
 * where it names it (`127.0.0.1:8080` → `127.0.0.1:8081`); each unit also gets its own spool directory.
 */
export function backupCommand(command: string, port: number, backupPort: number): string {
  return command.replace(new RegExp(`(:|=|\\s)${port}(?=\\s|$)`, "g"), `$1${backupPort}`);
}

/** The CloudWatch agent config: the host metrics of models/hostMetrics.ts, aggregated by ASG, and the service's EMF listener. */
export function renderCloudWatchAgentConfig(): string {
  const config = {
    agent: { metrics_collection_interval: 60 },
    metrics: {
      namespace: hostMetricsNamespace,
      append_dimensions: { [hostMetricsDimension]: "${aws:AutoScalingGroupName}", InstanceId: "${aws:InstanceId}" },
      aggregation_dimensions: [[hostMetricsDimension]],
      metrics_collected: {
        mem: { measurement: [hostMetrics.memoryUsedPercent] },
        swap: { measurement: [hostMetrics.swapUsedPercent] },
        disk: { measurement: [hostMetrics.diskUsedPercent], resources: ["/"], drop_device: true },
      },
    },
    // The listener the service sends its counters to (embedded metric format, port 25888).
    logs: { metrics_collected: { emf: {} } },
  };
  return JSON.stringify(config, null, 2);
}

/** The env file both service units load: the service's settings (never the datastore password). */
export const ingestEnvPath = "/etc/edge/ingest.env";
/** Written at boot from instance metadata: the host's region (the service's metric dimension and its SSM region). */
export const regionEnvPath = "/etc/edge/region.env";
export const regionEnvScriptPath = "/usr/local/sbin/edge-region-env";
/** The CloudWatch agent's embedded-metric-format listener, where the service sends its counters. */
export const agentEmfEndpoint = "udp://127.0.0.1:25888";

/** Writes {@link regionEnvPath} from IMDSv2 (one user data serves every region). */
function renderRegionEnvScript(): string {
  return `#!/bin/sh
# Writes the host's region for the service (metrics dimension, SSM) from instance metadata (IMDSv2).
set -eu
${imdsShellFunctions()}
region=$(md meta-data/placement/region)
printf 'INGEST_REGION=%s\\nAWS_REGION=%s\\n' "$region" "$region" > ${regionEnvPath}
`;
}

/**
 * The Amazon Time Sync Service, reached from every instance at a link-local address without any
 * route, endpoint or security group rule ("Set the time reference on your EC2 instance to use the
 * local Amazon Time Sync Service", EC2 User Guide). Every signed AWS call (the bundle's download,
 * the password's GetParameter, the agents' metrics) is refused once the clock is 15 minutes off
 * (S3's RequestTimeTooSkewed, SigV4's "Signature expired"), and the hosts reach no public NTP
 * server: without this, a host that drifts loses its datastore password at the next restart.
 */
export const timeSyncAddress = "169.254.169.123";
/** systemd-timesyncd's drop-in (Debian 12's images synchronise with it). */
export const timesyncdDropInPath = "/etc/systemd/timesyncd.conf.d/edge-amazon-time-sync.conf";
/** chrony's source file, for an image that runs chrony instead (Debian's chrony.conf reads `sourcedir /etc/chrony/sources.d`). */
export const chronySourcesPath = "/etc/chrony/sources.d/edge-amazon-time-sync.sources";

/**
 * Processes on each host that open a datastore pool: the service and its backup (incident 003).
 * Each takes `INGEST_POOL_SIZE / INGEST_PROCESSES_PER_HOST` connections and refuses a larger pool,
 * so the datastore budget's `poolSizePerHost` is what the host really opens.
 */
export const ingestProcessesPerHost = 2;

/**
 * The service's idle keep-alive timeout, ms: above nginx's upstream `keepalive_timeout`, so nginx
 * always closes an idle connection first (no POST on a connection the service is closing).
 */
export const serviceKeepaliveTimeoutMs = (upstreamKeepaliveSeconds + 1) * 1000;

/** The env file's content: `INGEST_*` settings shared by both processes (each unit sets its own listen address). */
export function renderIngestEnv(settings: HostEdgeSettings): string {
  return `# Rendered by edge (models/hostEdge). Secrets are read at start by the host role, never written here.
INGEST_POOL_SIZE=${settings.datastore.poolSizePerHost}
INGEST_PROCESSES_PER_HOST=${ingestProcessesPerHost}
INGEST_COLLECTOR_PATH=${settings.collectorPath}
INGEST_KEEPALIVE_TIMEOUT_MS=${serviceKeepaliveTimeoutMs}
INGEST_METRICS_ENDPOINT=${agentEmfEndpoint}
${datastoreEnv(settings.datastore.endpoint)}`;
}

/** The region's datastore as the service reads it; the password stays in SSM, read by the host role. */
function datastoreEnv(endpoint: DatastoreEndpoint | undefined): string {
  if (!endpoint) return "";
  return `INGEST_DB_HOSTS=${endpoint.hosts.join(",")}
INGEST_DB_PORT=${endpoint.port}
INGEST_DB_NAME=${endpoint.database}
INGEST_DB_USER=${endpoint.user}
INGEST_DB_PASSWORD_PARAMETER=${endpoint.passwordParameter}
INGEST_DB_SSLMODE=verify-full
INGEST_DB_SSL_ROOT_CERT=${endpoint.caBundle}
`;
}

/**
 * `StartLimitIntervalSec=0` in `[Unit]` (ignored in `[Service]`): with the default start limit,
 * systemd stops restarting a unit for good after 5 failures in 10 s, and `Restart=always` no longer
 * brings it back.
 */
const unitSection = (description: string, after = "") => `[Unit]
Description=${description}
${after}StartLimitIntervalSec=0
`;

function serviceUnit(description: string, command: string, port: number): string {
  return `${unitSection(description, "After=network-online.target\nWants=network-online.target\n")}
[Service]
EnvironmentFile=${ingestEnvPath}
EnvironmentFile=${regionEnvPath}
# Each process spools to its own directory, kept across restarts (the spool is replayed at start).
StateDirectory=edge-ingest-${port}
Environment=INGEST_SPOOL_DIR=%S/edge-ingest-${port}
ExecStart=${command}
# Started means answering within nginx's readiness timeout: nginx, ordered after this unit, then
# never counts a process's start-up against it. nginx clears a process's failures only when a
# request to it succeeds, and the backup takes none while the primary serves: health checks that
# met it starting would leave it out, and the first requests after the primary dies would be
# answered 503 ("no live upstreams") instead of going to it (incident 003). systemd's start
# timeout bounds the wait; then Restart= starts the unit again.
ExecStartPost=/bin/sh -c 'until curl -s -o /dev/null --max-time ${readinessReadTimeoutSeconds} http://127.0.0.1:${port}${serviceReadinessPath}; do sleep 0.2; done'
Restart=always
RestartSec=1
DynamicUser=yes
# A dynamic user has no home, and systemd 252 sets no HOME for it: the AWS SDK's config loader asks
# for the home directory and the process dies at start (uv_os_homedir ENOENT). Debian's convention
# for a system user without a home.
Environment=HOME=/nonexistent
NoNewPrivileges=yes
LimitNOFILE=65536

[Install]
WantedBy=multi-user.target
`;
}

/**
 * Debian's `nginx.service` sets no `LimitNOFILE`, so nginx starts with 1,024 descriptors; the
 * rendered `worker_rlimit_nofile` raises each worker's, and this raises the master's to the same.
 */
export function renderNginxDropIn(settings: Pick<HostEdgeSettings, "nginx">): string {
  return `[Unit]
StartLimitIntervalSec=0
# After both ingestion processes answer (their ExecStartPost=), also when the host boots again.
After=${ingestUnit} ${ingestBackupUnit}

[Service]
LimitNOFILE=${workerDescriptorLimit(settings.nginx)}
Restart=on-failure
RestartSec=1
`;
}

/** Creates the drain file, then waits `drainSeconds` for in-flight requests to finish (incident 003). */
export function renderDrainScript(drainSeconds: number, file = drainFile): string {
  return `#!/bin/sh
# Takes this host out of rotation: /http-check answers 404 from now on (incident 003). Deploys and
# the termination lifecycle hook run it, then stop the host once it returns.
set -eu
mkdir -p ${dirname(file)}
touch ${file}
sleep ${drainSeconds}
`;
}

function renderLifecycleWatcher(): string {
  return `#!/bin/sh
# Drains the host when EC2 Auto Scaling moves it to Terminating:Wait (the termination lifecycle
# hook); the hook's heartbeat timeout must exceed drainSeconds, its default result CONTINUE.
while :; do
  token=$(curl -s -X PUT -H "X-aws-ec2-metadata-token-ttl-seconds: 300" http://169.254.169.254/latest/api/token || true)
  state=$(curl -s -H "X-aws-ec2-metadata-token: $token" http://169.254.169.254/latest/meta-data/autoscaling/target-lifecycle-state || true)
  if [ "$state" = "Terminated" ]; then exec ${drainScriptPath}; fi
  sleep 5
done
`;
}

function dirname(path: string): string {
  return path.slice(0, path.lastIndexOf("/")) || "/";
}

function indent(text: string, spaces: number): string {
  const pad = " ".repeat(spaces);
  return text
    .split("\n")
    .map((line) => (line ? pad + line : line))
    .join("\n");
}

interface WrittenFile {
  path: string;
  permissions: string;
  content: string;
}

/** The cloud-init `#cloud-config` user data of an ingestion host. */
export function renderUserData(settings: HostEdgeSettings): string {
  const { service } = settings;
  const files: WrittenFile[] = [
    { path: nginxConfigPath, permissions: "0644", content: renderNginxConfig(settings) },
    { path: hostSysctlPath, permissions: "0644", content: renderHostSysctl(hostTcpSettings(listenBacklog(settings.nginx))) },
    { path: cloudWatchAgentConfigPath, permissions: "0644", content: renderCloudWatchAgentConfig() },
    {
      path: `/etc/systemd/system/${ingestUnit}`,
      permissions: "0644",
      content: serviceUnit("edge ingestion service", service.command, service.port),
    },
    {
      path: `/etc/systemd/system/${ingestBackupUnit}`,
      permissions: "0644",
      content: serviceUnit("edge ingestion service (backup nginx fails over to)", backupCommand(service.command, service.port, service.backupPort), service.backupPort),
    },
    { path: nginxDropInPath, permissions: "0644", content: renderNginxDropIn(settings) },
    { path: drainScriptPath, permissions: "0755", content: renderDrainScript(settings.drainSeconds) },
    { path: undrainScriptPath, permissions: "0755", content: `#!/bin/sh\n# Puts this host back in rotation.\nrm -f ${drainFile}\n` },
    { path: "/usr/local/sbin/edge-lifecycle-watch", permissions: "0755", content: renderLifecycleWatcher() },
    {
      path: `/etc/systemd/system/${lifecycleWatchUnit}`,
      permissions: "0644",
      content: `${unitSection("edge: drain before termination")}\n[Service]\nExecStart=/usr/local/sbin/edge-lifecycle-watch\nRestart=always\nRestartSec=1\n\n[Install]\nWantedBy=multi-user.target\n`,
    },
    { path: "/etc/tmpfiles.d/edge.conf", permissions: "0644", content: `d ${dirname(drainFile)} 0755 root root -\n` },
    { path: ingestEnvPath, permissions: "0644", content: renderIngestEnv(settings) },
    { path: timesyncdDropInPath, permissions: "0644", content: `[Time]\nNTP=${timeSyncAddress}\n` },
    { path: chronySourcesPath, permissions: "0644", content: `server ${timeSyncAddress} prefer iburst minpoll 4 maxpoll 4\n` },
    { path: regionEnvScriptPath, permissions: "0755", content: renderRegionEnvScript() },
    ...(settings.bundle
      ? [
          { path: bundleFetchScriptPath, permissions: "0755", content: renderBundleFetch(settings.bundle) },
          { path: bundleVerifyScriptPath, permissions: "0755", content: renderBundleVerify(settings.bundle) },
          { path: bundleInstallScriptPath, permissions: "0755", content: renderBundleInstall() },
        ]
      : []),
  ];
  const writeFiles = files.map((f) => `  - path: ${f.path}\n    permissions: "${f.permissions}"\n    content: |\n${indent(f.content, 6)}`).join("\n");
  // Nothing is installed but the bundle whose sha256 the user data pins; runcmd is one script, and
  // `set -e` stops it at the first failing step.
  const runcmd = [
    "set -e",
    // The time sync config is in place (write_files) before anything signs a request; the daemon
    // the image runs reads it on restart.
    "systemctl list-unit-files --no-legend systemd-timesyncd.service chrony.service | cut -d' ' -f1 | xargs -r systemctl try-restart",
    "systemd-tmpfiles --create /etc/tmpfiles.d/edge.conf",
    regionEnvScriptPath,
    settings.bundle ? bundleInstallScriptPath : missingBundleCommand,
    // First of the daemons: a host whose later steps fail can still be looked at through Session Manager.
    `systemctl enable --now ${ssmAgentUnit}`,
    `/opt/aws/amazon-cloudwatch-agent/bin/amazon-cloudwatch-agent-ctl -a fetch-config -m ec2 -s -c file:${cloudWatchAgentConfigPath}`,
    "systemctl daemon-reload",
    `systemctl enable --now ${ingestBackupUnit} ${ingestUnit} ${lifecycleWatchUnit}`,
    // The sysctl.d file was written after boot applied the directory (a container skips it: read-only /proc/sys).
    "systemctl restart systemd-sysctl",
    "nginx -t && systemctl restart nginx",
  ];
  return `#cloud-config
# edge ingestion host (models/hostEdge). Incidents 000 and 003.
write_files:
${writeFiles}
runcmd:
${runcmd.map((command) => `  - ${JSON.stringify(command)}`).join("\n")}
`;
}

/** A `NAME=value` line of an env file rendered into user data, or undefined. */
export function readRenderedEnv(userData: string, name: string): string | undefined {
  const match = new RegExp(`^\\s*${name}=(.*)$`, "m").exec(decodeUserData(userData));
  return match ? match[1]!.trim() : undefined;
}

/** Seconds the rendered drain script serves after it creates the drain file (its `sleep`), or undefined without one. */
export function readRenderedDrainSeconds(userData: string): number | undefined {
  const match = /\btouch\s+\S+\s*\n\s*sleep\s+(\d+)/.exec(decodeUserData(userData));
  return match ? Number(match[1]) : undefined;
}
