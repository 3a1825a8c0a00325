import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  estimateNginxMemory,
  headerBuffersBytes,
  kernelAutotunedReceiveBytes,
  nginxMemoryConstants,
  nginxMemoryInput,
  NginxMemoryLimits,
  predictNginxMemory,
  renderedNginxLimits,
  statePrices,
} from "../../../models/hostEdge";
import { sampleSettings } from "./fixtures";

const kib = 1024;
const c = nginxMemoryConstants;

describe("estimateNginxMemory", () => {
  it("prices every slot at its costliest state: limit_conn's proxied requests, every other slot outside it, and a full accept queue", () => {
    const input = nginxMemoryInput(sampleSettings({}, 2));
    const e = estimateNginxMemory(input);
    expect(e.workers).toBe(2);
    // 90% of a worker's 2048 requests, and the 32 health checks of /http-check's own zone.
    expect(e.busyRequests).toBe(1843 + 32);
    expect(e.unlimitedConnections).toBe(2 * 4096 - 2 * (1843 + 32));
    expect(e.queuedConnections).toBe(4096);
    const prices = statePrices(input.nginx);
    const total = (p: (typeof prices)["busy"]) => p.processBytes + p.bufferBytes + p.socketBytes;
    expect(e.busyRequestBytes).toBe(total(prices.busy));
    expect(e.unlimitedConnectionBytes).toBe(total(prices.answered));
    expect(e.totalBytes).toBe(e.fixedBytes + 2 * e.perWorkerBytes + e.busyRequests * e.busyRequestBytes + e.unlimitedConnections * e.unlimitedConnectionBytes + 4096 * total(prices.queued));
    expect(e.totalBytes).toBe(predictNginxMemory(input, { busy: e.busyRequests, answered: e.unlimitedConnections, queued: 4096 }).totalBytes);
  });

  it("prices a connection outside limit_conn by nginx's allocation rules: header buffers, max_headers lines, twice the header in pool copies", () => {
    const nginx = renderedNginxLimits(sampleSettings().nginx);
    const buffers = 1024 + 4 * 8192;
    expect(headerBuffersBytes(nginx)).toBe(buffers);
    const header = c.connectionBytes + buffers + c.requestBytes + 64 * c.headerLineBytes + 2 * buffers;
    const prices = statePrices(nginx);
    expect(prices.headerPhase.processBytes).toBe(header);
    expect(prices.answered.processBytes).toBe(header + c.answerBytes);
    // A proxied request adds the body buffer, the header copy sent upstream (and the lines nginx sets), the proxy buffers, the upstream state and connection.
    expect(prices.busy.processBytes).toBe(header + c.answerBytes + 16 * kib + (buffers + kib) + (4 + 4 * 4) * kib + c.upstreamBytes + c.connectionBytes);
  });

  it("prices sockets by listen rcvbuf/sndbuf and the hosts' tcp_wmem: the data behind a request, and an unread answer or a request a stopped service does not read", () => {
    const nginx = renderedNginxLimits(sampleSettings().nginx);
    const prices = statePrices(nginx);
    const receive = 2 * 16 * kib + c.pageBytes;
    const unreadAnswer = 2 * 16 * kib + 20 * kib + c.pageBytes;
    const toStoppedService = 64 * kib + c.segmentBytes + c.pageBytes;
    expect(prices.busy.bufferBytes).toBe(receive + Math.max(unreadAnswer, toStoppedService));
    expect(prices.queued.bufferBytes).toBe(receive);
    // Without rcvbuf the kernel autotunes a client's receive buffer (Debian: up to 6 MiB), without the sysctl nginx's send buffer to the service grows to 4 MiB.
    const unset: NginxMemoryLimits = { ...nginx, listen: { backlog: 511 }, tcp: { ...nginx.tcp, wmem: [4096, 16384, 4 * 1024 * 1024] } };
    expect(statePrices(unset).busy.bufferBytes).toBe(kernelAutotunedReceiveBytes + c.pageBytes + 4 * 1024 * 1024 + c.segmentBytes + c.pageBytes);
  });

  it("prices the states no lower than nginx 1.22.1 was measured holding at 1k + 4 × 8k and 64 header lines", () => {
    const prices = statePrices(renderedNginxLimits(sampleSettings().nginx));
    // test/models/hostEdge/nginxMemory.real.spec.ts and bench/fidelity/nginx.ts, per connection (docs/nginx-memory.md).
    expect(prices.headerPhase.processBytes).toBeGreaterThanOrEqual(103 * kib);
    expect(prices.answered.processBytes).toBeGreaterThanOrEqual(92 * kib);
    expect(prices.keptAlive.processBytes).toBeGreaterThanOrEqual(26 * kib);
    expect(prices.busy.processBytes).toBeGreaterThanOrEqual(147 * kib);
    expect(prices.busy.bufferBytes).toBeGreaterThanOrEqual(28 * kib + 82 * kib);
    expect(prices.queued.bufferBytes).toBeGreaterThanOrEqual(28 * kib);
  });

  it("grows with header buffers, max_headers, connections and vCPUs (incident 000)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 64, max: 65536 }), fc.integer({ min: 1, max: 16 }), fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 2000 }), (wc, count, vcpus, maxHeaders) => {
        const at = (over: { count?: number; vcpus?: number; maxHeaders?: number }) => {
          const input = nginxMemoryInput(sampleSettings({ nginx: { workerConnections: wc, largeClientHeaderBuffers: { count: over.count ?? count } } }, over.vcpus ?? vcpus));
          return estimateNginxMemory({ ...input, nginx: { ...input.nginx, maxHeaders: over.maxHeaders ?? maxHeaders } }).totalBytes;
        };
        const base = at({});
        return at({ count: count + 1 }) > base && at({ vcpus: vcpus + 1 }) > base && at({ maxHeaders: maxHeaders + 1 }) > base;
      }),
      { numRuns: 50 },
    );
  });
});
