/**
 * The nginx configuration of an ingestion host: the lessons of incidents 000 (bounded memory, shed
 * load with 503 before swapping) and 003 (drainable health check, fast connect failover to a
 * backup process, long reads allowed), rendered from the stack config.
 *
 * Pure module: no Pulumi imports.
 */
import { clientBodyBufferBytes, clientMaxBodySize, proxyBuffers, upstreamKeepalive } from "./buffers";
import { drainFile, healthCheckPath, HostEdgeSettings, maxConnectionsPerHost, nginxListenPort } from "./settings";

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

/** Seconds as an nginx time: whole seconds as `1s`, fractions in milliseconds (`1.5` → `1500ms`). */
export function nginxDuration(seconds: number): string {
  return Number.isInteger(seconds) ? `${seconds}s` : `${Math.round(seconds * 1000)}ms`;
}

/** The rendered `/etc/nginx/nginx.conf`. */
export function renderNginxConfig(settings: HostEdgeSettings, paths: Partial<NginxPaths> = {}): string {
  const p: NginxPaths = { ...productionNginxPaths, ...paths };
  const { nginx, service } = settings;
  const limit = maxConnectionsPerHost(nginx);
  const rate = nginx.requestsPerSecondPerClient;
  return `# Rendered by edge (models/hostEdge); do not edit on the host: the next deploy replaces it.
user ${p.user};
# One worker per vCPU; worst-case memory is workers x worker_connections x buffers (incident 000).
worker_processes auto;
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
    client_body_buffer_size ${clientBodyBufferBytes};
    client_max_body_size ${clientMaxBodySize};
    client_body_temp_path ${p.tempDir}/body;
    client_header_timeout ${clientTimeoutSeconds}s;
    client_body_timeout ${clientTimeoutSeconds}s;
    send_timeout ${clientTimeoutSeconds}s;
    keepalive_timeout ${clientKeepaliveSeconds}s;
    reset_timedout_connection on;

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
    limit_conn_zone $server_name zone=edge_host:1m;
    limit_req_zone $binary_remote_addr zone=edge_client:10m rate=${rate}r/s;
    limit_conn_status 503;
    limit_req_status 503;
    limit_conn_log_level warn;
    limit_req_log_level warn;

    # Incident 003: the local ingestion service, and a standby process nginx fails over to when a
    # connect fails or times out (deploys restart one, then the other).
    upstream ingest {
        server 127.0.0.1:${service.port} max_fails=1 fail_timeout=5s;
        server 127.0.0.1:${service.backupPort} backup;
        keepalive ${upstreamKeepalive};
    }

    server {
        listen ${p.listen} default_server;
        server_name _;

        # Incident 003: 200 while serving, 404 while the drain file exists, so the load balancer
        # takes the host out of rotation before it stops. Not rate limited: a busy host stays healthy.
        location = ${healthCheckPath} {
            access_log off;
            default_type text/plain;
            if (-f ${p.drainFile}) {
                return 404 "draining\\n";
            }
            return 200 "ok\\n";
        }

        location / {
            limit_conn edge_host ${limit};
            limit_req zone=edge_client burst=${rate} nodelay;

            proxy_pass http://ingest;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto https;

            # Incident 003: a dead upstream is detected by a short connect timeout and the request
            # goes to the backup; a slow but alive upstream may take the long read timeout.
            proxy_connect_timeout ${nginxDuration(nginx.connectTimeoutSeconds)};
            proxy_read_timeout ${nginxDuration(nginx.readTimeoutSeconds)};
            proxy_send_timeout ${nginxDuration(nginx.readTimeoutSeconds)};
            proxy_next_upstream error timeout;
            proxy_next_upstream_tries 2;
        }
    }
}
`;
}
