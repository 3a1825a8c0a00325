/**
 * Reads the nginx limits back from rendered text, so the capacity policy judges the user data a
 * launch template actually carries (a hand-edited resource too), not the stack file (incident 000).
 *
 * Pure module: no Pulumi imports.
 */
import { parse } from "yaml";
import { nginxConfigPath } from "./nginxConfig";
import { HostEdgeSettings } from "./settings";

/** The nginx settings the memory model reads, as found in a rendered config. */
export type NginxLimits = Pick<
  HostEdgeSettings["nginx"],
  "workerConnections" | "clientHeaderBufferSize" | "largeClientHeaderBuffers" | "maxConnectionsPerHost"
>;

function directive(config: string, name: string): string[] | undefined {
  const match = new RegExp(`^\\s*${name}\\s+([^;]+);`, "m").exec(config);
  return match ? match[1]!.trim().split(/\s+/) : undefined;
}

/**
 * The limits of an nginx config: `worker_connections`, the header buffers and the `limit_conn`
 * count. Throws naming the first directive that is missing: without it memory is unbounded.
 */
export function readNginxLimits(config: string): NginxLimits {
  const need = (name: string) => {
    const args = directive(config, name);
    if (!args) throw new Error(`the nginx config has no \`${name}\` directive (incident 000: memory must be bounded)`);
    return args;
  };
  const [workerConnections] = need("worker_connections");
  const [clientHeaderBufferSize] = need("client_header_buffer_size");
  const [count, size] = need("large_client_header_buffers");
  const [, limit] = need("limit_conn");
  return {
    workerConnections: Number(workerConnections),
    clientHeaderBufferSize: clientHeaderBufferSize!,
    largeClientHeaderBuffers: { count: Number(count), size: size! },
    maxConnectionsPerHost: Number(limit),
  };
}

/**
 * The nginx config inside cloud-init user data (raw `#cloud-config` or base64, as a launch template
 * holds it): the `write_files` entry for `/etc/nginx/nginx.conf`, or undefined when there is none.
 */
export function nginxConfigFromUserData(userData: string): string | undefined {
  const text = userData.startsWith("#cloud-config") ? userData : Buffer.from(userData, "base64").toString("utf8");
  if (!text.startsWith("#cloud-config")) return undefined;
  const doc = parse(text) as { write_files?: { path?: string; content?: string }[] } | null;
  return doc?.write_files?.find((f) => f.path === nginxConfigPath)?.content;
}
