/**
 * The nginx configuration of an ingestion host: the lessons of incidents 000 (bounded memory, shed
 * load with 503 before swapping) and 003 (drainable health check from the service's readiness, fast
 * connect failover to a backup process, long reads allowed on query paths only), rendered from the
 * stack config.
 *
 * Pure module: no Pulumi imports.
 */
import {
  clientBodyBufferBytes,
  clientMaxBodySize,
  clientSocket,
  healthCheckConnections,
  lingeringSeconds,
  listenBacklog,
  maxHeaderLines,
  nginxSize,
  proxyBuffers,
  sharedZones,
  upstreamKeepalive,
} from "./buffers";
import {
  batchApiPath,
  drainFile,
  healthCheckPath,
  HostEdgeSettings,
  maxConnectionsPerHost,
  nginxListenPort,
  serviceReadinessPath,
  workerDescriptorLimit,
} from "./settings";

/**
 * Where the rendered nginx listens and keeps its files. Production defaults ({@link productionNginxPaths});
 * the real-nginx tests render the same config with loopback ports and temp dirs.
 */
export interface NginxPaths {
  /** `listen` argument: a port, or `127.0.0.1:<port>` in tests. Defaults to `80`. */
  listen: string;
  /** `pid`. Defaults to `/run/nginx.pid`. */
  pidFile: string;
  /** `error_log` target. Defaults to `/var/log/nginx/error.log`. */
  errorLog: string;
  /** `access_log` target, or `off`. Defaults to `/var/log/nginx/access.log`. */
  accessLog: string;
  /** Directory for the client body and proxy temp files. Defaults to `/var/lib/nginx`. */
  tempDir: string;
  /** The drain file `/http-check` looks for. Defaults to {@link drainFile}. */
  drainFile: string;
  /** `user` the workers run as (ignored by nginx when not started as root). Defaults to `www-data`. */
  user: string;
}

export const productionNginxPaths: NginxPaths = {
  listen: String(nginxListenPort),
  pidFile: "/run/nginx.pid",
  errorLog: "/var/log/nginx/error.log",
  accessLog: "/var/log/nginx/access.log",
  tempDir: "/var/lib/nginx",
  drainFile,
  user: "www-data",
};

/** Where nginx writes the rendered config on a host. */
export const nginxConfigPath = "/etc/nginx/nginx.conf";

/** Seconds an idle client keep-alive connection is held open. */
export const clientKeepaliveSeconds = 15;
/** Seconds nginx waits for a client's request header or body before it gives up (slowloris). */
export const clientTimeoutSeconds = 10;

/**
 * Seconds nginx waits for the service's answer to an event POST before it resends the request to
 * the other process. The service answers once the events are committed or fsync'd to its spool
 * (a datastore connect times out after 1 s, incident 003), so a longer wait means a frozen
 * process. Resending is safe: an insert id is stored once. The config's long
 * `readTimeoutSeconds` is for query paths.
 */
export const ingestReadTimeoutSeconds = 5;
/** Seconds the service's readiness has to answer `/http-check`, within the NLB's 5 s probe timeout. */
export const readinessReadTimeoutSeconds = 2;
/**
 * Seconds nginx keeps an idle connection to the service: below the service's idle timeout
 * (`INGEST_KEEPALIVE_TIMEOUT_MS` in the env file, one second more), so nginx never sends a request
 * on a connection the service is closing (a sporadic 502 on a POST).
 */
export const upstreamKeepaliveSeconds = 4;
/**
 * Failed attempts (connect error or timeout, read timeout) within `upstreamFailTimeoutSeconds`
 * that take a process out for that long. One miss under a spike must not do it: with
 * `max_fails=1` a spike took out the primary and then the backup. The backup is taken out the
 * same way: when both processes stall, nginx then answers every request at once ("no live
 * upstreams", a 502 it turns into 503 + Retry-After) instead of holding each for the read
 * timeouts, until fail_timeout lets one request try again.
 */
export const upstreamMaxFails = 5;
export const upstreamFailTimeoutSeconds = 5;
/** Seconds a client is told to wait (`Retry-After`) when nginx sheds load or the service is unreachable. */
export const shedRetryAfterSeconds = 1;

/**
 * The `worker_rlimit_nofile` of rendered text (an nginx config, or user data that holds one), or
 * undefined without one: then a worker keeps the limit nginx was started with (1,024 under
 * Debian's unit).
 */
export function readWorkerRlimitNofile(text: string): number | undefined {
  const match = /^\s*worker_rlimit_nofile\s+(\d+)\s*;/m.exec(text);
  return match ? Number(match[1]) : undefined;
}

/** Seconds as an nginx time: whole seconds as `1s`, fractions in milliseconds (`1.5` → `1500ms`). */
export function nginxDuration(seconds: number): string {
  return Number.isInteger(seconds) ? `${seconds}s` : `${Math.round(seconds * 1000)}ms`;
}

/** The paths the snippet and the batch API POST events to: short reads, resent to the backup. */
export function ingestPaths(settings: Pick<HostEdgeSettings, "collectorPath">): string[] {
  return [...new Set([settings.collectorPath, batchApiPath])];
}

/** The rendered `/etc/nginx/nginx.conf`. */
export function renderNginxConfig(settings: HostEdgeSettings, paths: Partial<NginxPaths> = {}): string {
  const p: NginxPaths = { ...productionNginxPaths, ...paths };
  const { nginx, service } = settings;
  const limit = maxConnectionsPerHost(nginx);
  const rate = nginx.requestsPerSecondPerClient;
  const connect = nginxDuration(nginx.connectTimeoutSeconds);
  const shed = `
            limit_conn ${sharedZones.connections.name} ${limit};
            limit_req zone=${sharedZones.clientRate.name} burst=${rate} nodelay;
            # nginx's own refusals (limit_conn, limit_req, no answer from either process) become a
            # 503 with Retry-After, which the snippet retries; the service's own answers pass as sent.
            error_page 502 503 504 = @unavailable;`;
  const ingestLocations = ingestPaths(settings)
    .map(
      (path) => `
        location = ${path} {${shed}

            proxy_pass http://ingest;
            proxy_connect_timeout ${connect};
            proxy_read_timeout ${nginxDuration(ingestReadTimeoutSeconds)};
            proxy_send_timeout ${nginxDuration(ingestReadTimeoutSeconds)};
            proxy_next_upstream error timeout non_idempotent;
            proxy_next_upstream_tries 2;
        }
`,
    )
    .join("");
  return `# Rendered by edge (models/hostEdge); do not edit on the host: the next deploy replaces it.
user ${p.user};
# One worker per vCPU; worst-case memory is workers x worker_connections x buffers (incident 000).
worker_processes auto;
# Descriptors per worker: every connection slot, a body temp file per request and the logs and
# listeners. Without it nginx keeps the 1,024 it was started with and fails with EMFILE before
# limit_conn answers 503.
worker_rlimit_nofile ${workerDescriptorLimit(nginx)};
pid ${p.pidFile};
error_log ${p.errorLog} warn;

events {
    worker_connections ${nginx.workerConnections};
}

http {
    default_type application/octet-stream;
    server_tokens off;
    access_log ${p.accessLog};

    # Incident 000: header buffers x connections must fit in memory; these come from edge:nginx.
    client_header_buffer_size ${nginx.clientHeaderBufferSize};
    large_client_header_buffers ${nginx.largeClientHeaderBuffers.count} ${nginx.largeClientHeaderBuffers.size};
    # Each header line costs pool memory until the header ends; Debian's default is 1,000 lines.
    max_headers ${maxHeaderLines};
    client_body_buffer_size ${clientBodyBufferBytes};
    client_max_body_size ${clientMaxBodySize};
    client_body_temp_path ${p.tempDir}/body;
    client_header_timeout ${clientTimeoutSeconds}s;
    client_body_timeout ${clientTimeoutSeconds}s;
    send_timeout ${clientTimeoutSeconds}s;
    keepalive_timeout ${clientKeepaliveSeconds}s;
    reset_timedout_connection on;
    # A client answered without its body read (413, or 503 from a limit) is outside limit_conn while
    # nginx discards what it still sends: it ends with the client timeouts, not after nginx's 30 s.
    lingering_time ${lingeringSeconds}s;

    # Proxy buffers bounded so the memory model holds (incident 000); no disk spill for responses.
    proxy_buffering on;
    proxy_buffer_size ${proxyBuffers.bufferSize};
    proxy_buffers ${proxyBuffers.count} ${proxyBuffers.size};
    proxy_busy_buffers_size ${proxyBuffers.busySize};
    proxy_max_temp_file_size ${proxyBuffers.maxTempFileSize};
    proxy_temp_path ${p.tempDir}/proxy;
    fastcgi_temp_path ${p.tempDir}/fastcgi;
    uwsgi_temp_path ${p.tempDir}/uwsgi;
    scgi_temp_path ${p.tempDir}/scgi;

    # Shed load with 503 before memory runs out (incident 000): requests in progress on this host,
    # and the request rate of one client address.
    limit_conn_zone $server_name zone=${sharedZones.connections.name}:${nginxSize(sharedZones.connections.bytes)};
    limit_conn_zone $server_name zone=${sharedZones.healthChecks.name}:${nginxSize(sharedZones.healthChecks.bytes)};
    limit_req_zone $binary_remote_addr zone=${sharedZones.clientRate.name}:${nginxSize(sharedZones.clientRate.bytes)} rate=${rate}r/s;
    limit_conn_status 503;
    limit_req_status 503;
    limit_conn_log_level warn;
    limit_req_log_level warn;

    # Incident 003: the local ingestion service, and a standby process nginx fails over to when a
    # connect fails or times out (deploys restart one, then the other). The primary is taken out
    # only after ${upstreamMaxFails} failures, and so is the backup: a host whose processes both stall answers 503 at once.
    upstream ingest {
        # Shared by the workers: one worker's failures count for all, and each sees the same state.
        zone ${sharedZones.upstream.name} ${nginxSize(sharedZones.upstream.bytes)};
        server 127.0.0.1:${service.port} max_fails=${upstreamMaxFails} fail_timeout=${upstreamFailTimeoutSeconds}s;
        server 127.0.0.1:${service.backupPort} backup max_fails=${upstreamMaxFails} fail_timeout=${upstreamFailTimeoutSeconds}s;
        keepalive ${upstreamKeepalive};
        # Below the service's idle timeout: nginx closes an idle connection first (no 502 on a POST).
        keepalive_timeout ${upstreamKeepaliveSeconds}s;
    }

    server {
        # The accept queue and each client socket's buffers (incident 000); somaxconn matches in sysctl.
        listen ${p.listen} default_server backlog=${listenBacklog(nginx)} rcvbuf=${nginxSize(clientSocket.rcvbufBytes)} sndbuf=${nginxSize(clientSocket.sndbufBytes)};
        server_name _;

        proxy_http_version 1.1;
        proxy_set_header Connection "";
        proxy_set_header Host $host;
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        proxy_set_header X-Forwarded-Proto https;

        # Incident 003: what the NLB and Route 53 probe. 404 while the drain file exists, so the load
        # balancer takes the host out before it stops; else the service's readiness (datastore
        # writable or spool below its high-water mark), from the primary or, when it is down or
        # frozen, the backup. A dead or frozen service takes the host out. Limited like every other
        # path, in a zone of its own: a flood of probes neither goes unbounded nor takes slots from events.
        location = ${healthCheckPath} {
            access_log off;
            limit_conn ${sharedZones.healthChecks.name} ${healthCheckConnections};
            limit_req zone=${sharedZones.clientRate.name} burst=${rate} nodelay;
            if (-f ${p.drainFile}) {
                return 404 "draining\\n";
            }
            proxy_pass http://ingest${serviceReadinessPath};
            proxy_connect_timeout ${connect};
            proxy_read_timeout ${nginxDuration(readinessReadTimeoutSeconds)};
            proxy_next_upstream error timeout;
            proxy_next_upstream_tries 2;
        }

        # Events: a process that accepts and never answers is given up on after ${ingestReadTimeoutSeconds} s and the POST
        # is resent to the other one (safe: an insert id is stored once).${ingestLocations}
        # Other paths (queries): a slow but alive upstream may take the long read timeout (incident
        # 003); a dead one is detected by the short connect timeout and the request goes to the backup.
        # A query waits one read timeout in all, not one per process, when both stall.
        location / {${shed}

            proxy_pass http://ingest;
            proxy_connect_timeout ${connect};
            proxy_read_timeout ${nginxDuration(nginx.readTimeoutSeconds)};
            proxy_send_timeout ${nginxDuration(nginx.readTimeoutSeconds)};
            proxy_next_upstream error timeout;
            proxy_next_upstream_tries 2;
            proxy_next_upstream_timeout ${nginxDuration(nginx.readTimeoutSeconds)};
        }

        # CORS on nginx's own answers too: without it the snippet's fetch sees a shed 503 as a
        # network error and cannot read Retry-After (no credentials are sent, so "*" is enough).
        location @unavailable {
            default_type text/plain;
            add_header Retry-After ${shedRetryAfterSeconds} always;
            add_header Access-Control-Allow-Origin "*" always;
            add_header Access-Control-Expose-Headers Retry-After always;
            return 503 "unavailable, retry\\n";
        }
    }
}
`;
}
