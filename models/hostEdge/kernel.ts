/**
 * The kernel settings an ingestion host sets for nginx (a sysctl.d file in its user data), and
 * their reader: the memory model prices nginx's sockets by them (incident 000), and the recovery
 * model reads the accept queue they allow.
 *
 * Pure module: no Pulumi imports.
 */

/** Where the user data writes them; `systemd-sysctl` applies the directory at boot and when restarted. */
export const hostSysctlPath = "/etc/sysctl.d/60-edge.conf";

/** The TCP settings of a host that the memory and recovery models read. */
export interface HostTcpSettings {
  /** `net.core.somaxconn`: the most a `listen` backlog may queue. */
  somaxconn: number;
  /** `net.ipv4.tcp_max_syn_backlog`: half-open connections queued before the handshake completes. */
  synBacklog: number;
  /** `net.ipv4.tcp_wmem` min, default, max (bytes): a socket's send buffer, autotuned up to max unless its owner sets one. */
  wmem: readonly [number, number, number];
}

/**
 * `tcp_wmem` max the hosts set, 64 KiB: a request nginx sends to a service process that stopped
 * reading waits in nginx's send buffer, which Linux otherwise grows to 4 MiB (measured: ~860 KiB
 * per request with a 1 MB body; 3,686 such requests would be 3 GiB). The service's answers and its
 * writes to the datastore are small and close by, so 64 KiB costs them no throughput.
 */
export const hostTcpWmem: readonly [number, number, number] = [4096, 16384, 64 * 1024];

/**
 * What a host whose nginx listens with `backlog` sets: `somaxconn` and `tcp_max_syn_backlog` at
 * that backlog, so the kernel queues a connect storm for nginx to answer (503 + Retry-After past
 * limit_conn) rather than dropping SYNs, and {@link hostTcpWmem}.
 */
export function hostTcpSettings(backlog: number): HostTcpSettings {
  return { somaxconn: backlog, synBacklog: backlog, wmem: hostTcpWmem };
}

/**
 * The Linux defaults a host has when its user data sets nothing (Debian 12's kernel 6.1:
 * ip-sysctl.rst, `somaxconn` 4096 since 5.4, `tcp_wmem` 4096 16384 4194304).
 */
export const kernelTcpDefaults: HostTcpSettings = {
  somaxconn: 4096,
  synBacklog: 1024,
  wmem: [4096, 16384, 4 * 1024 * 1024],
};

/** The sysctl.d file that sets `settings` ({@link hostTcpSettings}). */
export function renderHostSysctl(settings: HostTcpSettings): string {
  return `# Rendered by edge (models/hostEdge/kernel.ts): nginx's accept queue and socket memory (incident 000).
net.core.somaxconn = ${settings.somaxconn}
net.ipv4.tcp_max_syn_backlog = ${settings.synBacklog}
net.ipv4.tcp_wmem = ${settings.wmem.join(" ")}
`;
}

/**
 * The TCP settings rendered text sets (a sysctl.d file, or user data holding one), each one it
 * does not set at the kernel's default: what a host runs with.
 */
export function readHostTcpSettings(text: string): HostTcpSettings {
  const value = (name: string) => new RegExp(`^\\s*${name.replace(/\./g, "\\.")}\\s*=\\s*([\\d \\t]+?)\\s*$`, "m").exec(text)?.[1]?.trim().split(/\s+/).map(Number);
  const wmem = value("net.ipv4.tcp_wmem");
  return {
    somaxconn: value("net.core.somaxconn")?.[0] ?? kernelTcpDefaults.somaxconn,
    synBacklog: value("net.ipv4.tcp_max_syn_backlog")?.[0] ?? kernelTcpDefaults.synBacklog,
    wmem: wmem?.length === 3 ? [wmem[0]!, wmem[1]!, wmem[2]!] : kernelTcpDefaults.wmem,
  };
}
