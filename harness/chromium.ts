/**
 * What the snippet's browser tests share: loopback HTTP servers on free ports, Debian's Chromium
 * through playwright-core, and a bounded wait.
 */
import { createServer, IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Browser, chromium } from "playwright-core";
import { installedAt, requireInstalled } from "./requirements";

const chromiumBinary = "/usr/bin/chromium";
export const chromiumInstalled = installedAt(chromiumBinary, "Chromium", "chromium");

export type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** An HTTP server on 127.0.0.1 and a free port. */
export async function listen(handler: Handler): Promise<{ server: Server; origin: string }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/** Closes servers and the connections they still hold. */
export async function closeAll(servers: Server[]): Promise<void> {
  await Promise.all(
    servers.map(
      (s) =>
        new Promise<void>((resolve) => {
          s.closeAllConnections();
          s.close(() => resolve());
        }),
    ),
  );
}

/** Debian's Chromium, headless; `extraArgs` are added to its command line (e.g. `--host-resolver-rules=…`). */
export async function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  requireInstalled(chromiumInstalled);
  return chromium.launch({
    executablePath: chromiumBinary,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", ...extraArgs],
  });
}

/** Polls `condition` every 100 ms until it holds or `timeoutMs` passes; returns its last value. */
export async function until(condition: () => boolean | Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return condition();
}

/** The request body as text. */
export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => (body += chunk));
    req.on("end", () => resolve(body));
    req.on("error", reject);
  });
}
