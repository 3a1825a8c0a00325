/**
 * A stand-in for the snippet's CloudFront distribution in the edge twin: the planned origin group
 * in front of two S3 stand-ins (origin and replica) holding the uploaded objects. What it does is
 * what CloudFront documents for an origin group ("Optimize high availability with CloudFront origin
 * failover", CloudFront Developer Guide): a request goes to the primary; an origin CloudFront cannot
 * connect to is tried `connectionAttempts` times, each waiting `connectionTimeout`; then, or when the
 * primary answers one of the group's failover status codes, the request goes to the next member,
 * whose answer is returned as it is. An answer outside the failover codes (a 400) is returned
 * without failover, and when no member can be reached the viewer gets 504 ("Origin connection
 * timeout", HTTP 504 status code (Gateway Timeout), CloudFront Developer Guide).
 */
import { appendFileSync, readFileSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { PlannedCdn } from "./planned";

/** What one S3 stand-in does now: serve its objects, answer a status for every request, or not accept connections at all. */
export type OriginState = "serve" | "unreachable" | number;

/** Per origin id, what it does; a file the scenario rewrites while the browser runs. */
export type OriginStates = Record<string, OriginState>;

export interface CdnRequest {
  /** ms since the epoch. */
  start: number;
  /** 0 while unanswered. */
  end: number;
  path: string;
  /** The answer's status; 0 while unanswered. */
  status: number;
  /** The members asked, in order. */
  origins: string[];
}

export interface CdnStandIn {
  handle(req: IncomingMessage, res: ServerResponse): void;
  /** Every request the viewer made, with the answer it got. */
  requests: CdnRequest[];
}

/**
 * The distribution: `objects` by path (`/loader.js`, `/v1.0.0/edge.<hash>.js`) as both buckets hold
 * them (replication), the planned group, and where each origin's state is read per request.
 */
export function cdnStandIn(plan: PlannedCdn, objects: Record<string, { body: string; contentType: string }>, states: () => OriginStates, logFile?: string): CdnStandIn {
  const requests: CdnRequest[] = [];
  const fetchOrigin = async (originId: string, path: string): Promise<{ status: number; body?: string; contentType?: string } | "unreachable"> => {
    const state = states()[originId] ?? "serve";
    const origin = plan.origins.find((o) => o.originId === originId)!;
    if (state === "unreachable") {
      // Each connection attempt waits out the timeout.
      await new Promise((r) => setTimeout(r, origin.connectionTimeoutMs * origin.connectionAttempts));
      return "unreachable";
    }
    if (typeof state === "number") return { status: state };
    const object = objects[path];
    return object ? { status: 200, body: object.body, contentType: object.contentType } : { status: 403 };
  };
  return {
    requests,
    handle(req, res) {
      const path = (req.url ?? "/").split("?")[0]!;
      // Recorded at once, answered later: a request still held when the browser leaves counts as failed.
      const request: CdnRequest = { start: Date.now(), end: 0, path, status: 0, origins: [] };
      requests.push(request);
      if (logFile) appendFileSync(logFile, `${JSON.stringify({ start: request.start, path })}\n`);
      void (async () => {
        const asked: string[] = [];
        let answer: { status: number; body?: string; contentType?: string } = { status: 504 };
        for (const origin of plan.origins) {
          asked.push(origin.originId);
          const got = await fetchOrigin(origin.originId, path);
          if (got === "unreachable") continue;
          answer = got;
          if (!plan.failoverStatusCodes.includes(got.status)) break;
        }
        Object.assign(request, { end: Date.now(), status: answer.status, origins: asked });
        if (res.destroyed) return;
        res.writeHead(answer.status, { "content-type": answer.contentType ?? "text/plain", "access-control-allow-origin": "*" });
        res.end(answer.body ?? `${answer.status}\n`);
      })();
    },
  };
}

/** Reads the origin states a scenario writes (`{}` while it has written none). */
export function readOriginStates(file: string): OriginStates {
  try {
    return JSON.parse(readFileSync(file, "utf8")) as OriginStates;
  } catch {
    return {};
  }
}

/** The requests a CDN stand-in logged so far (`logFile`): when each started, for which path. */
export function readCdnLog(file: string): { start: number; path: string }[] {
  try {
    return readFileSync(file, "utf8")
      .split("\n")
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { start: number; path: string });
  } catch {
    return [];
  }
}
