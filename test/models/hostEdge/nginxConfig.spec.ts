import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { healthCheckPath, maxConnectionsPerHost, nginxDuration, nginxSizeBytes, renderNginxConfig } from "../../../models/hostEdge";
import { sampleSettings } from "./fixtures";

function lines(config: string): string[] {
  return config.split("\n").map((l) => l.trim());
}

describe("renderNginxConfig", () => {
  const config = renderNginxConfig(sampleSettings());

  it("carries the memory limits of incident 000 from config", () => {
    expect(lines(config)).toEqual(
      expect.arrayContaining([
        "worker_processes auto;",
        "worker_connections 4096;",
        "client_header_buffer_size 1k;",
        "large_client_header_buffers 4 8k;",
        "proxy_buffer_size 4096;",
        "proxy_buffers 4 4096;",
        "proxy_max_temp_file_size 0;",
      ]),
    );
  });

  it("bounds what a client can make nginx hold: header lines, lingering, its socket's buffers, the accept queue (incident 000)", () => {
    expect(lines(config)).toEqual(expect.arrayContaining(["max_headers 64;", "lingering_time 10s;", "client_body_buffer_size 16384;", "listen 80 default_server backlog=4096 rcvbuf=16k sndbuf=16k;"]));
  });

  it("limits /http-check like every other path, in a zone of its own", () => {
    const health = config.slice(config.indexOf(`location = ${healthCheckPath} {`));
    expect(lines(health.slice(0, health.indexOf("\n        }\n")))).toEqual(expect.arrayContaining(["limit_conn edge_health 32;", "limit_req zone=edge_client burst=200 nodelay;"]));
    expect(lines(config)).toContain("limit_conn_zone $server_name zone=edge_health:64k;");
  });

  it("sheds load with 503 + Retry-After at 90% of the requests one worker's slots hold, and per client rate", () => {
    expect(lines(config)).toEqual(
      expect.arrayContaining([
        "limit_conn edge_host 1843;",
        "error_page 502 503 504 = @unavailable;",
        "add_header Retry-After 1 always;",
        "limit_conn_status 503;",
        "limit_req_status 503;",
        "limit_req_zone $binary_remote_addr zone=edge_client:10m rate=200r/s;",
        "limit_req zone=edge_client burst=200 nodelay;",
      ]),
    );
  });

  it("fails over to the backup on a 1 s connect timeout and allows long reads on query paths (incident 003)", () => {
    expect(lines(config)).toEqual(
      expect.arrayContaining([
        "server 127.0.0.1:8080 max_fails=5 fail_timeout=5s;",
        "server 127.0.0.1:8081 backup max_fails=5 fail_timeout=5s;",
        "keepalive_timeout 4s;",
        "proxy_connect_timeout 1s;",
        "proxy_read_timeout 60s;",
        "proxy_next_upstream error timeout;",
        "listen 80 default_server backlog=4096 rcvbuf=16k sndbuf=16k;",
      ]),
    );
  });

  it("answers /http-check from the service's readiness, 404 while draining (incident 003)", () => {
    const health = config.slice(config.indexOf(`location = ${healthCheckPath} {`));
    expect(lines(health.slice(0, health.indexOf("\n        }\n")))).toEqual(
      expect.arrayContaining(["if (-f /var/run/edge/drain) {", 'return 404 "draining\\n";', "proxy_pass http://ingest/readyz;", "proxy_read_timeout 2s;"]),
    );
  });

  it("gives event POSTs a short read timeout and resends them to the backup", () => {
    for (const path of ["/track", "/v1/batch"]) {
      const block = config.slice(config.indexOf(`location = ${path} {`));
      expect(lines(block.slice(0, block.indexOf("\n        }\n")))).toEqual(
        expect.arrayContaining(["limit_conn edge_host 1843;", "proxy_read_timeout 5s;", "proxy_next_upstream error timeout non_idempotent;", "proxy_next_upstream_tries 2;"]),
      );
    }
    expect(lines(renderNginxConfig(sampleSettings({ cdn: { collectorPath: "/e" } })))).toContain("location = /e {");
  });

  it("raises the descriptor limit above the connection slots", () => {
    expect(lines(config)).toContain(`worker_rlimit_nofile ${4096 + 2048 + 64};`);
  });

  it("renders config values and test paths", () => {
    const custom = renderNginxConfig(
      sampleSettings({
        nginx: { workerConnections: 128, clientHeaderBufferSize: "2k", largeClientHeaderBuffers: { count: 2, size: "4k" }, connectTimeoutSeconds: 0.5, maxConnectionsPerHost: 7 },
        ingest: { service: { port: 9000, backupPort: 9001 } },
      }),
      { listen: "127.0.0.1:18080", pidFile: "/tmp/x/nginx.pid", drainFile: "/tmp/x/drain" },
    );
    expect(lines(custom)).toEqual(
      expect.arrayContaining([
        "worker_connections 128;",
        "client_header_buffer_size 2k;",
        "large_client_header_buffers 2 4k;",
        "proxy_connect_timeout 500ms;",
        "limit_conn edge_host 7;",
        "server 127.0.0.1:9000 max_fails=5 fail_timeout=5s;",
        "server 127.0.0.1:9001 backup max_fails=5 fail_timeout=5s;",
        "listen 127.0.0.1:18080 default_server backlog=4096 rcvbuf=16k sndbuf=16k;",
        "pid /tmp/x/nginx.pid;",
        "if (-f /tmp/x/drain) {",
      ]),
    );
  });
});

describe("maxConnectionsPerHost", () => {
  it("is the configured value, else 90% of the requests one worker's slots hold (2 slots each)", () => {
    expect(maxConnectionsPerHost({ workerConnections: 4096, maxConnectionsPerHost: undefined })).toBe(1843);
    expect(maxConnectionsPerHost({ workerConnections: 4096, maxConnectionsPerHost: 100 })).toBe(100);
  });
  it("never admits more requests than one worker's slots hold by default", () => {
    fc.assert(
      fc.property(fc.integer({ min: 64, max: 1048576 }), (wc) => {
        const limit = maxConnectionsPerHost({ workerConnections: wc, maxConnectionsPerHost: undefined });
        return 2 * limit < wc && limit >= Math.floor(wc * 0.45);
      }),
    );
  });
});

describe("nginx units", () => {
  it("reads sizes and renders durations", () => {
    expect(nginxSizeBytes("512")).toBe(512);
    expect(nginxSizeBytes("8k")).toBe(8192);
    expect(nginxSizeBytes("1m")).toBe(1048576);
    expect(() => nginxSizeBytes("8kb")).toThrow("expected an nginx size");
    expect(nginxDuration(1)).toBe("1s");
    expect(nginxDuration(1.5)).toBe("1500ms");
  });
});
