/**
 * The game day's CloudFront stand-in: what the planned origin group does when its origins fail,
 * as CloudFront documents it (origin failover on the group's status codes and on origins it cannot
 * connect to; no failover on other answers; 504 when no member can be reached).
 */
import type { Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cdnStandIn, OriginStates } from "../../gameday/cdn";
import type { PlannedCdn } from "../../gameday/planned";
import { closeAll, listen } from "../../harness/chromium";

const plan: PlannedCdn = {
  loaderTimeoutMs: 4000,
  origins: [
    { originId: "origin", connectionTimeoutMs: 200, connectionAttempts: 2 },
    { originId: "replica", connectionTimeoutMs: 100, connectionAttempts: 1 },
  ],
  failoverStatusCodes: [403, 404, 500, 502, 503, 504],
};

let states: OriginStates = {};
const cdn = cdnStandIn(plan, { "/v1.0.0/edge.abc.js": { body: "/* library */", contentType: "application/javascript" } }, () => states);
let server: Server;
let origin = "";

beforeAll(async () => {
  ({ server, origin } = await listen((req, res) => cdn.handle(req, res)));
});
afterAll(() => closeAll([server]));

async function get(path: string): Promise<{ status: number; body: string; ms: number }> {
  const start = Date.now();
  const res = await fetch(`${origin}${path}`);
  return { status: res.status, body: await res.text(), ms: Date.now() - start };
}

describe("the CloudFront stand-in's origin group", () => {
  it("serves the object from the primary while it serves", async () => {
    states = {};
    expect(await get("/v1.0.0/edge.abc.js?retry=1")).toMatchObject({ status: 200, body: "/* library */" });
    expect(cdn.requests.at(-1)).toMatchObject({ status: 200, origins: ["origin"], path: "/v1.0.0/edge.abc.js" });
  });

  it("fails over to the replica on a failover status code, and after the primary's connection attempts", async () => {
    states = { origin: 503 };
    expect((await get("/v1.0.0/edge.abc.js")).status).toBe(200);
    expect(cdn.requests.at(-1)!.origins).toEqual(["origin", "replica"]);
    states = { origin: "unreachable" };
    const slow = await get("/v1.0.0/edge.abc.js");
    expect(slow.status).toBe(200);
    expect(slow.ms).toBeGreaterThanOrEqual(2 * 200 - 20);
  });

  it("returns an answer outside the failover codes as it is, the replica's answer whatever it is, and 504 when no member is reachable", async () => {
    states = { origin: 400 };
    expect((await get("/v1.0.0/edge.abc.js")).status).toBe(400);
    expect(cdn.requests.at(-1)!.origins).toEqual(["origin"]);
    states = { origin: 503, replica: 503 };
    expect((await get("/v1.0.0/edge.abc.js")).status).toBe(503);
    states = { origin: "unreachable", replica: "unreachable" };
    const none = await get("/v1.0.0/edge.abc.js");
    expect(none.status).toBe(504);
    expect(none.ms).toBeGreaterThanOrEqual(2 * 200 + 100 - 20);
    // An object neither bucket holds: S3 answers 403 to a reader without list rights, and the group fails over.
    states = {};
    expect((await get("/missing.js")).status).toBe(403);
    expect(cdn.requests.at(-1)!.origins).toEqual(["origin", "replica"]);
  });
});
