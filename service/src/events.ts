/**
 * What a request body must be, and the row an event becomes. The snippet and `POST /v1/batch` send
 * the same body: `{"events":[{"insertId","name","properties","time"}],"page","sentAt"}`.
 *
 * What an event keeps of its client: the address truncated to its network (IPv4 /24, IPv6 /48),
 * and no user agent. A full address, alone or with a user agent, identifies a person across sites
 * and is personal data under the GDPR; the network still answers "which country, which ISP, is this
 * one network flooding us" and nothing about who. A team that needs more adds it deliberately.
 */
import { isIPv4, isIPv6 } from "node:net";

/** Client-made, so a retry or a spool replay is stored once (incident 002). */
export const insertIdPattern = /^[A-Za-z0-9_-]{16,64}$/;
const maxNameLength = 200;
const maxPageLength = 2048;

/** One event as stored and spooled: what the insert reads with `jsonb_to_recordset`. */
export interface EventRow {
  insert_id: string;
  name: string;
  /** Client time, ms since the epoch. */
  time: number;
  properties: Record<string, unknown>;
  page: string | null;
  client_network: string | null;
  /** Server time the service received it, ms since the epoch. */
  received: number;
}

/**
 * A row and its JSON, made once: the JSON is what the size limit measures, the bytes the insert
 * sends (jsonb's binary input) and the text the spool writes, so no event is serialised twice.
 */
export interface EncodedRow {
  readonly row: EventRow;
  readonly json: string;
}

export function encodeRow(row: EventRow): EncodedRow {
  return { row, json: JSON.stringify(row) };
}

export class RequestError extends Error {
  constructor(
    readonly status: 400 | 413 | 422,
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

export interface Limits {
  maxEventsPerBatch: number;
  maxEventBytes: number;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function shown(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** The rows of a request body, or a RequestError naming the field, the value and the limit. */
export function parseBatch(body: string, limits: Limits, clientNetwork: string | null, received: number): EncodedRow[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (error) {
    throw new RequestError(400, "body", `the body is not JSON (${(error as Error).message})`);
  }
  if (!isObject(parsed)) throw new RequestError(400, "body", `expected an object {"events":[...]}, got ${shown(parsed)}`);
  const { events, page } = parsed;
  if (!Array.isArray(events)) throw new RequestError(400, "events", `expected an array of events, got ${shown(events)}`);
  if (events.length === 0) throw new RequestError(422, "events", "expected at least 1 event, got an empty array");
  if (events.length > limits.maxEventsPerBatch) {
    throw new RequestError(422, "events", `a batch holds at most ${limits.maxEventsPerBatch} events, got ${events.length}: send them in smaller batches`);
  }
  if (page !== undefined && (typeof page !== "string" || page.length > maxPageLength)) {
    throw new RequestError(422, "page", `expected a URL of at most ${maxPageLength} characters, got ${shown(page)}`);
  }
  return events.map((event, i) => {
    const at = `events[${i}]`;
    if (!isObject(event)) throw new RequestError(422, at, `expected an event object, got ${shown(event)}`);
    const { insertId, name, properties, time } = event;
    if (typeof insertId !== "string" || !insertIdPattern.test(insertId)) {
      throw new RequestError(422, `${at}.insertId`, `expected a client-made id of 16-64 characters [A-Za-z0-9_-], got ${shown(insertId)}`);
    }
    if (typeof name !== "string" || name.length === 0 || name.length > maxNameLength) {
      throw new RequestError(422, `${at}.name`, `expected a name of 1-${maxNameLength} characters, got ${shown(name)}`);
    }
    if (properties !== undefined && !isObject(properties)) throw new RequestError(422, `${at}.properties`, `expected an object, got ${shown(properties)}`);
    if (typeof time !== "number" || !Number.isFinite(time) || time < 0 || time > 8.64e15) {
      throw new RequestError(422, `${at}.time`, `expected milliseconds since the epoch, got ${shown(time)}`);
    }
    const row: EventRow = { insert_id: insertId, name, time, properties: properties ?? {}, page: page ?? null, client_network: clientNetwork, received };
    const encoded = encodeRow(row);
    const bytes = Buffer.byteLength(encoded.json);
    if (bytes > limits.maxEventBytes) throw new RequestError(422, at, `an event is at most ${limits.maxEventBytes} bytes, got ${bytes}: send fewer properties`);
    return encoded;
  });
}

/** The client's network: IPv4 /24, IPv6 /48, or null when the address is not an IP. */
export function truncateAddress(address: string | undefined): string | null {
  if (!address) return null;
  const bare = address.startsWith("::ffff:") && isIPv4(address.slice(7)) ? address.slice(7) : address;
  if (isIPv4(bare)) return `${bare.split(".").slice(0, 3).join(".")}.0/24`;
  if (!isIPv6(bare)) return null;
  const [head = "", tail = ""] = bare.split("::");
  const headGroups = head ? head.split(":") : [];
  const tailGroups = tail ? tail.split(":") : [];
  const groups = bare.includes("::") ? [...headGroups, ...Array(8 - headGroups.length - tailGroups.length).fill("0"), ...tailGroups] : headGroups;
  return `${groups
    .slice(0, 3)
    .map((g) => parseInt(g, 16).toString(16))
    .join(":")}::/48`;
}
