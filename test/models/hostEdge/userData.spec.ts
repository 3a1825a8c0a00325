import { parseStackConfig } from "../../../stacks/schema";
import { withRegionPins } from "../../support/regionPins";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { backupCommand, decodeUserData, encodeUserData, hostEdgeSettings, hostSysctlPath, renderNginxConfig, renderUserData, userDataLimitBytes } from "../../../models/hostEdge";
import { sampleSettings } from "./fixtures";

interface CloudConfig {
  packages?: string[];
  write_files: { path: string; permissions: string; content: string }[];
  runcmd: string[];
}

describe("renderUserData", () => {
  const bundle = { bucket: "edge-bundles-{region}", key: "releases/edge-ingest-2026.12.01.tar.gz", sha256: "ab".repeat(32) };
  const settings = sampleSettings({ ingest: { drainSeconds: 75, bundle, service: { command: "/opt/ingest --listen 127.0.0.1:8080 --pool 16" } } });
  const text = renderUserData(settings);
  const doc = parse(text) as CloudConfig;
  const file = (path: string) => doc.write_files.find((f) => f.path === path)?.content ?? "";

  it("is valid cloud-config within EC2's 16 KiB", () => {
    expect(text.startsWith("#cloud-config\n")).toBe(true);
    // EC2's limit is on what it receives: the gzip-compressed bytes (before base64).
    expect(Buffer.from(encodeUserData(text), "base64").length).toBeLessThan(userDataLimitBytes);
    expect(decodeUserData(encodeUserData(text))).toBe(text);
  });

  it("writes the rendered nginx config byte for byte", () => {
    expect(file("/etc/nginx/nginx.conf")).toBe(renderNginxConfig(settings));
    expect(doc.runcmd).toContain("nginx -t && systemctl restart nginx");
  });

  it("sets somaxconn and the SYN backlog at nginx's listen backlog, and applies them before nginx restarts (incident 000)", () => {
    const sysctlOf = (text: string, name: string) => Number(new RegExp(`^${name.replace(/\./g, "\\.")} = (\\d+)$`, "m").exec(text)?.[1]);
    for (const workerConnections of [4096, 32768]) {
      const wide = parse(renderUserData(sampleSettings({ nginx: { workerConnections } }))) as CloudConfig;
      const of = (path: string) => wide.write_files.find((f) => f.path === path)?.content ?? "";
      const backlog = Number(/\blisten [^;]*\bbacklog=(\d+)/.exec(of("/etc/nginx/nginx.conf"))?.[1]);
      // Every request limit_conn admits (events and health checks) fits in the queue, as the recovery model assumes.
      const served = ["edge_host", "edge_health"].map((zone) => Number(new RegExp(`\\blimit_conn ${zone} (\\d+);`).exec(of("/etc/nginx/nginx.conf"))?.[1]));
      expect(served.every(Number.isFinite)).toBe(true);
      expect(backlog, `worker_connections ${workerConnections}`).toBeGreaterThanOrEqual(Math.max(4096, served[0]! + served[1]!));
      expect(sysctlOf(of(hostSysctlPath), "net.core.somaxconn")).toBe(backlog);
      expect(sysctlOf(of(hostSysctlPath), "net.ipv4.tcp_max_syn_backlog")).toBe(backlog);
    }
    expect(doc.runcmd.indexOf("systemctl restart systemd-sysctl")).toBeGreaterThan(0);
    expect(doc.runcmd.indexOf("systemctl restart systemd-sysctl")).toBeLessThan(doc.runcmd.indexOf("nginx -t && systemctl restart nginx"));
  });

  it("installs only the pinned bundle, verified, before anything starts: no apt, no latest download", () => {
    expect(doc.packages).toBeUndefined();
    expect(text).not.toMatch(/package_update|apt-get|apt install|amazoncloudwatch-agent\/|\/latest\/amazon|amazon-ssm-[a-z0-9-]+\/|SSMAgent\//);
    const install = doc.runcmd.indexOf("/usr/local/sbin/edge-install-bundle");
    expect(doc.runcmd[0]).toBe("set -e");
    expect(install).toBeGreaterThan(0);
    expect(install).toBeLessThan(doc.runcmd.findIndex((c) => c.startsWith("systemctl enable")));
    expect(file("/usr/local/sbin/edge-verify-bundle")).toContain(`echo "${"ab".repeat(32)}  $tarball" | sha256sum -c`);
    expect(file("/usr/local/sbin/edge-fetch-bundle")).toContain("edge-bundles-{region}");
    expect(file("/usr/local/sbin/edge-fetch-bundle")).toContain("/releases/edge-ingest-2026.12.01.tar.gz");
  });

  it("installs SSM Agent from the verified bundle and starts it before anything else that could fail", () => {
    // The install step installs every .deb the bundle carries, amazon-ssm-agent.deb among them, only after every sha256 matched.
    const install = file("/usr/local/sbin/edge-install-bundle");
    expect(install.indexOf('dpkg -i --force-confold "$release"/debs/*.deb')).toBeGreaterThan(install.indexOf("edge-verify-bundle"));
    const enable = doc.runcmd.indexOf("systemctl enable --now amazon-ssm-agent.service");
    expect(enable).toBeGreaterThan(doc.runcmd.indexOf("/usr/local/sbin/edge-install-bundle"));
    expect(enable).toBeLessThan(doc.runcmd.findIndex((c) => c.includes("amazon-cloudwatch-agent-ctl")));
    expect(enable).toBeLessThan(doc.runcmd.indexOf("nginx -t && systemctl restart nginx"));
    // Never fetched at boot: no SSM Agent download URL in the user data.
    expect(text).not.toMatch(/amazon-ssm-[a-z0-9-]+\/|SSMAgent\//);
  });

  it("refuses to boot, saying why, when no bundle is pinned", () => {
    const unpinned = parse(renderUserData(sampleSettings())) as CloudConfig;
    expect(unpinned.runcmd).toContain('echo "edge: no host bundle pinned (edge:ingest.bundle); refusing to install anything unpinned" >&2; exit 1');
    expect(unpinned.write_files.map((f) => f.path)).not.toContain("/usr/local/sbin/edge-install-bundle");
  });

  it("renders the service's settings into the env file, never a password", () => {
    expect(file("/etc/edge/ingest.env")).toBe(
      "# Rendered by edge (models/hostEdge). Secrets are read at start by the host role, never written here.\n" +
        "INGEST_POOL_SIZE=16\nINGEST_PROCESSES_PER_HOST=2\nINGEST_COLLECTOR_PATH=/track\nINGEST_KEEPALIVE_TIMEOUT_MS=5000\nINGEST_METRICS_ENDPOINT=udp://127.0.0.1:25888\n",
    );
    expect(JSON.parse(file("/opt/aws/amazon-cloudwatch-agent/etc/amazon-cloudwatch-agent.json")).logs).toEqual({ metrics_collected: { emf: {} } });
    expect(file("/etc/systemd/system/edge-ingest.service")).toContain("EnvironmentFile=/etc/edge/region.env\n");
    expect(doc.runcmd.indexOf("/usr/local/sbin/edge-region-env")).toBeLessThan(doc.runcmd.findIndex((c) => c.startsWith("systemctl enable")));
  });

  it("points each region's service at its own datastore, the password left in SSM", () => {
    const config = parseStackConfig(
      withRegionPins({
        domain: "example.com",
        regions: ["us-east-1", "eu-west-1"],
        dns: { secondary: { accountId: "0123456789abcdef0123456789abcdef" } },
        alarms: { emails: ["ops@example.com"] },
        datastore: {
          endpoints: {
            "eu-west-1": { hosts: ["db-a.eu.example.internal", "db-b.eu.example.internal:6432"], passwordParameter: "/edge/prod/datastore/password", cidrs: ["10.101.0.0/16"] },
          },
        },
      }),
    );
    const env = (parse(renderUserData(hostEdgeSettings(config, 2, "eu-west-1"))) as CloudConfig).write_files.find((f) => f.path === "/etc/edge/ingest.env")!.content;
    expect(env).toContain(
      "INGEST_DB_HOSTS=db-a.eu.example.internal,db-b.eu.example.internal:6432\nINGEST_DB_PORT=5432\nINGEST_DB_NAME=edge\nINGEST_DB_USER=ingest\n" +
        "INGEST_DB_PASSWORD_PARAMETER=/edge/prod/datastore/password\nINGEST_DB_SSLMODE=verify-full\nINGEST_DB_SSL_ROOT_CERT=/opt/edge-ingest/current/certs/rds-global-bundle.pem\n",
    );
    expect(env).not.toMatch(/PASSWORD=/);
  });

  it("publishes memory, swap and root disk by autoscaling group (incident 000)", () => {
    const agent = JSON.parse(file("/opt/aws/amazon-cloudwatch-agent/etc/amazon-cloudwatch-agent.json"));
    expect(agent.metrics.namespace).toBe("CWAgent");
    expect(agent.metrics.append_dimensions.AutoScalingGroupName).toBe("${aws:AutoScalingGroupName}");
    expect(agent.metrics.aggregation_dimensions).toEqual([["AutoScalingGroupName"]]);
    expect(agent.metrics.metrics_collected.mem.measurement).toEqual(["mem_used_percent"]);
    expect(agent.metrics.metrics_collected.swap.measurement).toEqual(["swap_used_percent"]);
    expect(agent.metrics.metrics_collected.disk).toMatchObject({ measurement: ["disk_used_percent"], resources: ["/"] });
    expect(doc.runcmd.some((c) => c.includes("amazon-cloudwatch-agent-ctl -a fetch-config"))).toBe(true);
  });

  it("runs the service and its backup from the configured command (incident 003)", () => {
    expect(file("/etc/systemd/system/edge-ingest.service")).toContain("ExecStart=/opt/ingest --listen 127.0.0.1:8080 --pool 16\n");
    expect(file("/etc/systemd/system/edge-ingest-backup.service")).toContain("ExecStart=/opt/ingest --listen 127.0.0.1:8081 --pool 16\n");
    expect(file("/etc/systemd/system/edge-ingest.service")).toContain("StateDirectory=edge-ingest-8080\nEnvironment=INGEST_SPOOL_DIR=%S/edge-ingest-8080\n");
    expect(file("/etc/systemd/system/edge-ingest-backup.service")).toContain("StateDirectory=edge-ingest-8081\nEnvironment=INGEST_SPOOL_DIR=%S/edge-ingest-8081\n");
  });

  it("has a drain script that creates the drain file and waits drainSeconds", () => {
    const drain = file("/usr/local/sbin/edge-drain");
    expect(drain).toContain("touch /var/run/edge/drain\n");
    expect(drain).toContain("sleep 75\n");
  });
});

describe("backupCommand", () => {
  it("replaces the port where the command names it, and nothing else", () => {
    expect(backupCommand("/bin/ingest --listen 127.0.0.1:8080", 8080, 8081)).toBe("/bin/ingest --listen 127.0.0.1:8081");
    expect(backupCommand("/bin/ingest --port=8080 --buf 80800", 8080, 8081)).toBe("/bin/ingest --port=8081 --buf 80800");
    expect(backupCommand("/bin/ingest", 8080, 8081)).toBe("/bin/ingest");
  });
});
