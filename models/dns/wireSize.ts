/**
 * Exact size, in bytes, of the authoritative UDP answer (no EDNS) to every question a resolver
 * asks of a zone, as each provider answers: the packet is really encoded here, with RFC 1035 name
 * compression (every suffix of every name written is a pointer target), and a test checks the
 * bytes against NSD's. Incident 001: answers past 512 bytes broke resolvers without TCP retry, and
 * a CNAME in front of the name made the answer larger still.
 *
 * dns-packet encodes the RDATA of A, AAAA, TXT and CAA records; it has no name compression, so
 * names (owners, question, NS/CNAME/MX targets) are written here.
 *
 * Pure module: no Pulumi imports.
 */
import type { ProviderName, ProviderRecord } from "./compare";
import { ResponseBehaviour } from "./providers";
import { BuiltAnswer, buildAnswer, inZone, indexOf, recordsAt, sourceOf } from "./wireAnswer";
import { ResponseCode, WireAnswer, WireRecord, encodeResponse, optRecordBytes } from "./wireEncoding";

export { encodeResponse, optRecordBytes, type ResponseCode, type WireAnswer, type WireRecord } from "./wireEncoding";
export { buildAnswer, soaRecord, type BuiltAnswer } from "./wireAnswer";

/** The classic UDP limit without EDNS (RFC 1035 §4.2.1). */
export const legacyUdpLimit = 512;

/** One provider's view of a zone: its apex, its name servers and the records it serves. */
export interface ZoneView {
  provider: ProviderName;
  /** Zone apex, e.g. `example.com`. */
  apex: string;
  /** The NS records the provider serves at the apex (Route 53: 4, Cloudflare: 2). */
  nameServers: string[];
  records: ProviderRecord[];
}

export interface AnswerSize {
  provider: ProviderName;
  /** `api.example.com A` */
  query: string;
  /**
   * The question relative to the zone, for people: `api A`, `<253-character name under eu> A`,
   * `api TXT (NODATA)`, `<253-character name> A (NXDOMAIN)`.
   */
  label: string;
  qname: string;
  qtype: string;
  /** The name asked, or the wildcard (`*.eu.example.com`) it matches: where the answer starts; for NXDOMAIN the apex. */
  owner: string;
  /** Names of the CNAME chain followed inside the zone, e.g. `["decide.example.com"]`. */
  cnames: string[];
  /** Records of the final type in the answer (the set the operator can shrink). */
  finalRecords: number;
  /** Bytes one more record of the final type adds (16 for A, 28 for AAAA). */
  bytesPerRecord: number;
  /** Header, question and answer section alone. */
  answerBytes: number;
  /** Everything the provider puts in: answer, authority NS and additional. */
  fullBytes: number;
  /**
   * What the UDP answer weighs under the given behaviour. Truncated: the full answer when every
   * section is sent alike, the sections that must fit under NSD's behaviour.
   */
  bytes: number;
  /** Whether the server sets TC (the answer does not fit in the limit). */
  truncated: boolean;
  /** Whether the authority section is in the answer (NSD drops the NS when they do not fit). */
  withAuthority: boolean;
  /** Additional records in the answer sent (NSD drops an address set that does not fit). */
  additionalRecords: number;
  /** The in-zone names whose addresses the additional section carries (MX, SRV, CNAME targets). */
  additionalNames: string[];
  rcode: ResponseCode;
  /** A positive answer, NODATA (the name exists, the type does not) or NXDOMAIN; negatives carry the SOA. */
  kind: "answer" | "nodata" | "nxdomain";
  /** Whether the question came with EDNS (the limit is above 512): the answer carries an OPT record. */
  edns: boolean;
}
/** Presentation length of the longest name (253 characters) under `parent`, filled with labels of `fill`. */
export function longestNameUnder(parent: string, fill = "x"): string {
  const room = 253 - parent.length - 1;
  const labels: string[] = [];
  for (let left = room; left > 0; ) {
    const length = Math.min(63, left - (left > 63 ? 1 : 0));
    labels.push(fill.repeat(length));
    left -= length + 1;
  }
  return [...labels, parent].join(".");
}

/** Types a NODATA question asks at a name that lacks them, first that the name does not hold. */
const nodataTypes = ["TXT", "AAAA", "A", "MX", "CAA", "SRV"];

/** One question a client can ask, with the owner whose records answer it (the wildcard a long name matches). */
export interface Question {
  qname: string;
  qtype: string;
  owner: string;
}

/**
 * The end of the in-zone CNAME chain that starts at `owner`: the name it reaches and where that
 * name's records come from (`source` undefined: the name does not exist); `outside` when the chain
 * leaves the zone, `loop` when it comes back on itself.
 */
function chainEnd(view: ZoneView, owner: string): { name: string; source?: string; outside?: boolean; loop?: boolean } {
  const visited = new Set<string>([owner]);
  let target = recordsAt(view, owner, "CNAME")[0].values[0];
  for (;;) {
    if (!inZone(view, target)) return { name: target, outside: true };
    const source = sourceOf(view, target);
    if (source === undefined) return { name: target };
    if (visited.has(target)) return { name: target, source, loop: true };
    visited.add(target);
    const next = recordsAt(view, source, "CNAME")[0];
    if (!next) return { name: target, source };
    target = next.values[0];
  }
}

/**
 * Every question a client can send that gets a different answer. For every owner (a wildcard
 * asked at the longest name under it, since an answer repeats the question's name): each type it
 * holds and a type it lacks (NODATA). A CNAME owner answers CNAME itself, and every other question
 * through its chain: each type the chain's final name holds (TXT, MX, CAA, SRV as well as A and
 * AAAA), and a type it lacks, which is NODATA through the chain. Then the apex SOA and NS, and an
 * NXDOMAIN at the longest name that does not exist.
 */
export function questions(view: ZoneView): Question[] {
  const out: Question[] = [];
  const seen = new Set<string>();
  const add = (qname: string, qtype: string, owner: string) => {
    const key = `${qname} ${qtype}`;
    if (!seen.has(key)) out.push({ qname, qtype, owner }), seen.add(key);
  };
  const asked = (name: string) => (name.startsWith("*.") ? longestNameUnder(name.slice(2)) : name);
  const typesAt = (name: string) => {
    const held = (indexOf(view).types.get(name) ?? []).filter((t) => t !== "NS" && t !== "SOA");
    return name === view.apex ? [...held, "SOA", "NS"] : held;
  };
  const lacking = (types: string[]) => nodataTypes.find((t) => !types.includes(t));
  const owners = [...new Set([...indexOf(view).types.keys(), view.apex])];
  for (const owner of owners) {
    const qname = asked(owner);
    const cname = recordsAt(view, owner, "CNAME")[0];
    if (cname && owner === view.apex && view.provider === "cloudflare") {
      add(qname, "A", owner); // flattened: the target's addresses
      continue;
    }
    if (!cname) {
      const held = typesAt(owner);
      for (const type of held) add(qname, type, owner);
      const missing = lacking(held);
      if (missing) add(qname, missing, owner);
      continue;
    }
    add(qname, "CNAME", owner);
    const end = chainEnd(view, owner);
    if (end.outside) continue; // every other type gets the same chain, out of the zone
    if (end.source === undefined || end.loop) {
      add(qname, "A", owner); // NXDOMAIN through the chain, or the loop as far as it goes
      continue;
    }
    const held = typesAt(end.source).filter((t) => t !== "CNAME");
    for (const type of held) add(qname, type, owner);
    const missing = lacking(held);
    if (missing) add(qname, missing, owner);
  }
  add(view.apex, "SOA", view.apex);
  add(view.apex, "NS", view.apex);
  for (const fill of ["x", "y", "z"]) {
    const missing = longestNameUnder(view.apex, fill);
    if (sourceOf(view, missing) === undefined) {
      add(missing, "A", view.apex);
      break;
    }
  }
  return out;
}

function questionLabel(view: ZoneView, qname: string, qtype: string, kind: AnswerSize["kind"]): string {
  const relative = (name: string) => (name === view.apex ? "@" : name.slice(0, -(view.apex.length + 1)));
  const labels = qname.split(".");
  const filled = labels.findIndex((l) => !/^(x+|y+|z+)$/.test(l));
  const generated = qname.length === 253 && filled > 0 && inZone(view, qname);
  const parent = labels.slice(filled).join(".");
  const name = generated ? `<253-character name${parent === view.apex ? "" : ` under ${relative(parent)}`}>` : relative(qname);
  return `${name} ${qtype}${kind === "answer" ? "" : kind === "nodata" ? " (NODATA)" : " (NXDOMAIN)"}`;
}

/**
 * NSD's UDP answer (packet.c `packet_encode_rrset`, answer.c `encode_answer`, NSD 4 built with
 * minimal responses as Debian ships it): the answer section and a negative's SOA must fit or the
 * answer is truncated (TC); the NS of a positive answer are left out when they do not fit, and then
 * no additional record is sent; of the additional section, an address set that does not fit is
 * left out while later sets of the same type still go in, and after such a set no further type is
 * tried. Optional sections also stop at 1,232 bytes (IPV4_MINIMAL_RESPONSE_SIZE).
 */
function nsdUdpAnswer(qname: string, qtype: string, built: BuiltAnswer, limit: number, edns: number | undefined): { sent: WireAnswer; truncated: boolean } {
  const size = (sections: WireAnswer) => encodeResponse(qname, qtype, sections, false, built.rcode, edns).length;
  // What must fit: the answer section, and a negative answer's SOA (resolvers cache the negative by it).
  const required: WireAnswer = { answer: built.answer, authority: built.kind === "answer" ? [] : built.authority, additional: [] };
  if (size(required) > limit) return { sent: required, truncated: true };
  const optionalLimit = Math.min(limit, nsdMinimalResponseBytes + (edns === undefined ? 0 : optRecordBytes));
  if (built.kind === "answer" && built.authority.length > 0) {
    const withNs = { ...required, authority: built.authority };
    if (size(withNs) > optionalLimit) return { sent: required, truncated: false };
    required.authority = built.authority;
  }
  const sets: WireRecord[][] = [];
  for (const r of built.additional) {
    const last = sets[sets.length - 1];
    if (last && last[0].name === r.name && last[0].type === r.type) last.push(r);
    else sets.push([r]);
  }
  const sent: WireAnswer = { ...required, additional: [] };
  for (const type of ["A", "AAAA"]) {
    let dropped = false;
    for (const set of sets.filter((s) => s[0].type === type)) {
      const next = { ...sent, additional: [...sent.additional, ...set] };
      if (size(next) > optionalLimit) dropped = true;
      else sent.additional = next.additional;
    }
    if (dropped) break;
  }
  return { sent, truncated: false };
}

/** NSD's IPV4_MINIMAL_RESPONSE_SIZE: optional sections stop there even when the client allows more. */
const nsdMinimalResponseBytes = 1232;

/** The size of one answer under a provider's behaviour and a UDP limit: with EDNS (an OPT record) when the limit is above 512. */
export function answerSize(view: ZoneView, qname: string, qtype: string, behaviour: ResponseBehaviour, limit = legacyUdpLimit): AnswerSize {
  const built = buildAnswer(view, qname, qtype, behaviour);
  const edns = limit > legacyUdpLimit ? limit : undefined;
  const full = encodeResponse(qname, qtype, built, false, built.rcode, edns).length;
  const answerOnly = encodeResponse(qname, qtype, { answer: built.answer, authority: [], additional: [] }, false, built.rcode, edns).length;
  const finalRecords = built.kind === "answer" ? built.answer.filter((r) => r.type === built.finalType).length : 0;
  const bytesPerRecord = finalRecords === 0 ? 0 : built.finalType === "AAAA" ? 28 : built.finalType === "A" ? 16 : 0;
  let bytes = full;
  let truncated = full > limit;
  let withAuthority = built.authority.length > 0;
  let additionalRecords = built.additional.length;
  if (behaviour === "drop-authority-when-full") {
    const nsd = nsdUdpAnswer(qname, qtype, built, limit, edns);
    truncated = nsd.truncated;
    // Truncated: the bytes of what had to fit, which the records to drop are counted from.
    bytes = encodeResponse(qname, qtype, nsd.sent, false, built.rcode, edns).length;
    withAuthority = nsd.sent.authority.length > 0;
    additionalRecords = nsd.sent.additional.length;
  }
  return {
    provider: view.provider,
    query: `${qname} ${qtype}`,
    label: questionLabel(view, qname, qtype, built.kind),
    qname,
    qtype,
    owner: built.owner,
    rcode: built.rcode,
    kind: built.kind,
    cnames: built.cnames,
    finalRecords,
    bytesPerRecord,
    answerBytes: answerOnly,
    fullBytes: full,
    bytes,
    truncated,
    withAuthority,
    additionalRecords,
    additionalNames: [...new Set(built.additional.map((r) => r.name))],
    edns: edns !== undefined,
  };
}

/** Every answer of a zone view, in the order of its questions. */
export function answerSizes(view: ZoneView, behaviour: ResponseBehaviour, limit = legacyUdpLimit): AnswerSize[] {
  return questions(view).map((q) => answerSize(view, q.qname, q.qtype, behaviour, limit));
}

/** Records of the final type that still fit under the limit (0 when the answer is full or not an address set). */
export function roomFor(size: AnswerSize, limit = legacyUdpLimit): number {
  if (size.bytesPerRecord === 0 || size.bytes > limit) return 0;
  return Math.floor((limit - size.bytes) / size.bytesPerRecord);
}

/** Records of the final type to drop so the answer fits (0 when it fits). */
export function recordsToDrop(size: AnswerSize, limit = legacyUdpLimit): number {
  if (size.bytes <= limit) return 0;
  if (size.bytesPerRecord === 0) return Number.NaN;
  return Math.ceil((size.bytes - limit) / size.bytesPerRecord);
}
