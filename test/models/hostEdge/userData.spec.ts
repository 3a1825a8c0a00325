import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { backupCommand, renderNginxConfig, renderUserData, userDataLimitBytes } from "../../../models/hostEdge";
import { sampleSettings } from "./fixtures";

interface CloudConfig {
  packages: string[];
  write_files: { path: string; permissions: string; content: string }[];
  runcmd: string[];
}

describe("renderUserData", () => {
  const settings = sampleSettings({ ingest: { drainSeconds: 45, service: { command: "/opt/ingest --listen 127.0.0.1:8080 --pool 16" } } });
  const text = renderUserData(settings);
  const doc = parse(text) as CloudConfig;
  const file = (path: string) => doc.write_files.find((f) => f.path === path)?.content ?? "";

  it("is valid cloud-config within EC2's 16 KiB", () => {
    expect(text.startsWith("#cloud-config\n")).toBe(true);
    expect(Buffer.byteLength(text)).toBeLessThan(userDataLimitBytes);
  });

  it("writes the rendered nginx config byte for byte", () => {
    expect(file("/etc/nginx/nginx.conf")).toBe(renderNginxConfig(settings));
    expect(doc.packages).toContain("nginx-light");
    expect(doc.runcmd).toContain("nginx -t && systemctl restart nginx");
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
    expect(file("/etc/systemd/system/edge-ingest-backup.service")).toContain("Environment=INGEST_PORT=8081\n");
  });

  it("has a drain script that creates the drain file and waits drainSeconds", () => {
    const drain = file("/usr/local/sbin/edge-drain");
    expect(drain).toContain("touch /var/run/edge/drain\n");
    expect(drain).toContain("sleep 45\n");
  });
});

describe("backupCommand", () => {
  it("replaces the port where the command names it, and nothing else", () => {
    expect(backupCommand("/bin/ingest --listen 127.0.0.1:8080", 8080, 8081)).toBe("/bin/ingest --listen 127.0.0.1:8081");
    expect(backupCommand("/bin/ingest --port=8080 --buf 80800", 8080, 8081)).toBe("/bin/ingest --port=8081 --buf 80800");
    expect(backupCommand("/bin/ingest", 8080, 8081)).toBe("/bin/ingest");
  });
});
