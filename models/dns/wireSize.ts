/**
 * Exact size, in bytes, of the authoritative UDP answer (no EDNS) to every question a resolver
 * asks of a zone, as each provider answers: the packet is really encoded here, with RFC 1035 name
 * compression (every suffix of every name written is a pointer target), and a test checks the
 * bytes against NSD's. Incident 001: answers past 512 bytes broke resolvers without TCP retry, and
 * a CNAME in front of the name added 32 bytes more.
 *
 * dns-packet encodes the RDATA of A, AAAA, TXT and CAA records; it has no name compression, so
 * names (owners, question, NS/CNAME/MX targets) are written here.
 *
 * Pure module: no Pulumi imports.
 */
import * as dnsPacket from "dns-packet";
import { Buffer } from "node:buffer";
import type { ProviderName, ProviderRecord } from "./compare";
import { providerCapabilities, ResponseBehaviour, unknownAddressSetSize } from "./providers";
import { parseCaa, txtStrings } from "./record";

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

/** One resource record to encode. */
export interface WireRecord {
  name: string;
  type: string;
  ttl: number;
  value: string;
}

export interface WireAnswer {
  answer: WireRecord[];
  authority: WireRecord[];
  additional: WireRecord[];
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
  /** What the UDP answer weighs under the given behaviour (the full answer when truncated). */
  bytes: number;
  /** Whether the server sets TC (the answer does not fit in the limit). */
  truncated: boolean;
  /** Whether the authority and additional sections are in the answer. */
  withAuthority: boolean;
  rcode: ResponseCode;
  /** A positive answer, NODATA (the name exists, the type does not) or NXDOMAIN; negatives carry the SOA. */
  kind: "answer" | "nodata" | "nxdomain";
  /** Whether the question came with EDNS (the limit is above 512): the answer carries an OPT record. */
  edns: boolean;
}

const nameTypes = new Set(["CNAME", "NS", "PTR"]);

/** Encodes DNS messages the way authoritative servers do: every name compressed against every suffix already written. */
class MessageWriter {
  private readonly chunks: Buffer[] = [];
  private length = 0;
  private readonly suffixes = new Map<string, number>();

  get size(): number {
    return this.length;
  }

  bytes(): Buffer {
    return Buffer.concat(this.chunks);
  }

  raw(buf: Buffer): void {
    this.chunks.push(buf);
    this.length += buf.length;
  }

  u16(value: number): void {
    const b = Buffer.alloc(2);
    b.writeUInt16BE(value);
    this.raw(b);
  }

  u32(value: number): void {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(value);
    this.raw(b);
  }

  /** A name, compressed against every suffix already written unless `compress` is off (SRV targets, RFC 2782). */
  name(name: string, compress = true): void {
    const labels = name.replace(/\.$/, "").split(".").filter(Boolean);
    for (let i = 0; i < labels.length; i++) {
      const suffix = labels.slice(i).join(".").toLowerCase();
      const pointer = compress ? this.suffixes.get(suffix) : undefined;
      if (pointer !== undefined) {
        this.u16(0xc000 | pointer);
        return;
      }
      // An uncompressed name is no pointer target either (NSD's compression table holds only the names it compresses).
      if (compress && this.length < 0x4000) this.suffixes.set(suffix, this.length);
      const label = Buffer.from(labels[i], "ascii");
      this.raw(Buffer.from([label.length]));
      this.raw(label);
    }
    this.raw(Buffer.from([0]));
  }

  record(r: WireRecord): void {
    this.name(r.name);
    this.u16(dnsPacketType(r.type));
    this.u16(1); // class IN
    this.u32(r.ttl);
    if (nameTypes.has(r.type) || r.type === "MX" || r.type === "SRV" || r.type === "SOA") {
      const lengthAt = this.length;
      this.u16(0); // RDLENGTH, patched below
      const start = this.length;
      if (r.type === "MX") {
        const [preference, exchange] = r.value.trim().split(/\s+/);
        this.u16(Number(preference));
        this.name(exchange);
      } else if (r.type === "SOA") {
        const [mname, rname, ...timers] = r.value.trim().split(/\s+/);
        this.name(mname);
        this.name(rname);
        for (const t of timers) this.u32(Number(t));
      } else if (r.type === "SRV") {
        const [priority, weight, port, target] = r.value.trim().split(/\s+/);
        for (const n of [priority, weight, port]) this.u16(Number(n));
        this.name(target ?? "", false);
      } else {
        this.name(r.value);
      }
      this.patchU16(lengthAt, this.length - start);
      return;
    }
    this.raw(encodeRdata(r.type, r.value));
  }

  private patchU16(at: number, value: number): void {
    let offset = 0;
    for (const chunk of this.chunks) {
      if (at < offset + chunk.length) {
        chunk.writeUInt16BE(value, at - offset);
        return;
      }
      offset += chunk.length;
    }
  }
}

function dnsPacketType(type: string): number {
  const codes: Record<string, number> = { A: 1, NS: 2, CNAME: 5, SOA: 6, PTR: 12, MX: 15, TXT: 16, AAAA: 28, SRV: 33, OPT: 41, CAA: 257 };
  const code = codes[type];
  if (code === undefined) throw new Error(`the wire-size model cannot encode ${type} records`);
  return code;
}

/** dns-packet's per-type RDATA codecs (its type declarations leave `record` out). */
const rdataCodec = (dnsPacket as unknown as { record(type: string): { encode(data: unknown): Buffer } }).record;

/** RDLENGTH + RDATA of the types without names in their RDATA, encoded by dns-packet. */
function encodeRdata(type: string, value: string): Buffer {
  switch (type) {
    case "A":
      return rdataCodec("A").encode(value);
    case "AAAA":
      return rdataCodec("AAAA").encode(value);
    case "TXT":
      return rdataCodec("TXT").encode(txtStrings(value).map((s) => Buffer.from(s, "utf8")));
    case "CAA": {
      const caa = parseCaa(value);
      if (!caa) throw new Error(`cannot read the CAA value ${value}`);
      return rdataCodec("CAA").encode(caa);
    }
    default:
      throw new Error(`the wire-size model cannot encode ${type} records`);
  }
}

/** Response codes the model produces. */
export type ResponseCode = "NOERROR" | "NXDOMAIN";

/** The OPT pseudo-record of an EDNS answer: root owner, type, UDP size, extended flags, no options (RFC 6891 §6.1.2). */
export const optRecordBytes = 11;

/**
 * The encoded response to `qname qtype` with the given sections (ID 0, QR AA set, TC as given),
 * with an OPT record advertising `ednsUdpSize` when the question came with EDNS.
 */
export function encodeResponse(qname: string, qtype: string, sections: WireAnswer, truncated = false, rcode: ResponseCode = "NOERROR", ednsUdpSize?: number): Buffer {
  const w = new MessageWriter();
  w.u16(0); // ID
  w.u16(0x8000 | 0x0400 | (truncated ? 0x0200 : 0) | (rcode === "NXDOMAIN" ? 3 : 0)); // QR, AA, TC, RCODE
  w.u16(1);
  w.u16(sections.answer.length);
  w.u16(sections.authority.length);
  w.u16(sections.additional.length + (ednsUdpSize === undefined ? 0 : 1));
  w.name(qname);
  w.u16(dnsPacketType(qtype));
  w.u16(1);
  for (const r of [...sections.answer, ...sections.authority, ...sections.additional]) w.record(r);
  if (ednsUdpSize !== undefined) {
    w.raw(Buffer.from([0])); // root
    w.u16(dnsPacketType("OPT"));
    w.u16(ednsUdpSize);
    w.u32(0);
    w.u16(0);
  }
  return w.bytes();
}

/**
 * The view's record sets by owner and type, and every name that exists (owners and the empty
 * non-terminals above them). Every question looks records up here rather than scanning the view,
 * so sizing a zone stays linear in its records (scanning made a 2,000-record zone's answers
 * quadratic). Views are values: the index of a records array is built once, on first use.
 */
interface RecordIndex {
  sets: Map<string, ProviderRecord[]>;
  /** Names with records, and their ancestors inside the zone. */
  names: Set<string>;
}
const recordIndexes = new WeakMap<ProviderRecord[], RecordIndex>();

function indexOf(view: ZoneView): RecordIndex {
  let index = recordIndexes.get(view.records);
  if (!index) {
    index = { sets: new Map(), names: new Set([view.apex]) };
    for (const r of view.records) {
      const key = `${r.name} ${r.type}`;
      const sets = index.sets.get(key);
      if (sets) sets.push(r);
      else index.sets.set(key, [r]);
      for (let name = r.name; name !== view.apex && name.includes(".") && !index.names.has(name); name = parentOf(name)) index.names.add(name);
    }
    recordIndexes.set(view.records, index);
  }
  return index;
}

function parentOf(name: string): string {
  return name.slice(name.indexOf(".") + 1);
}

function recordsAt(view: ZoneView, name: string, type: string): ProviderRecord[] {
  return indexOf(view).sets.get(`${name} ${type}`) ?? [];
}

/**
 * Where a name's records come from (RFC 4592): the name itself when it exists, else the wildcard
 * `*.<closest encloser>` when there is one; undefined for a name that does not exist (NXDOMAIN).
 */
function sourceOf(view: ZoneView, name: string): string | undefined {
  const { names } = indexOf(view);
  if (names.has(name)) return name;
  for (let encloser = name; encloser !== view.apex && encloser.includes("."); ) {
    encloser = parentOf(encloser);
    if (names.has(encloser)) return names.has(`*.${encloser}`) ? `*.${encloser}` : undefined;
  }
  return undefined;
}

/** A record set's wire records, owned by `owner`; Route 53 sets with several set identifiers answer with the largest. */
function answerSet(view: ZoneView, source: string, type: string, owner = source): WireRecord[] {
  const sets = recordsAt(view, source, type);
  if (sets.length === 0) return [];
  const largest = sets.reduce((a, b) => (b.values.length > a.values.length ? b : a));
  const ttl = largest.ttl ?? 60;
  const out: WireRecord[] = [];
  for (const value of largest.values) {
    if (value.startsWith("alias:")) {
      // An alias answers with its target's addresses, which the model cannot see: worst case.
      for (let i = 0; i < unknownAddressSetSize; i++) out.push({ name: owner, type, ttl, value: type === "AAAA" ? `2001:db8::${i + 1}` : `192.0.2.${i + 1}` });
    } else {
      out.push({ name: owner, type, ttl, value });
    }
  }
  return out;
}

function inZone(view: ZoneView, name: string): boolean {
  return name === view.apex || name.endsWith(`.${view.apex}`);
}

/** The zone's SOA record as its provider publishes it (the first name server is the primary). */
export function soaRecord(view: ZoneView): WireRecord {
  const { soa } = providerCapabilities[view.provider];
  return { name: view.apex, type: "SOA", ttl: soa.ttl, value: `${view.nameServers[0]} ${soa.mailbox} ${soa.timers}` };
}

function nsRecords(view: ZoneView): WireRecord[] {
  const ns = recordsAt(view, view.apex, "NS")[0];
  const ttl = ns?.ttl ?? providerCapabilities[view.provider].soa.nsTtl;
  return view.nameServers.map((value) => ({ name: view.apex, type: "NS", ttl, value }));
}

/** The in-zone name a record points at, for the additional section: MX exchange, SRV target, CNAME/NS target. */
function targetOf(r: WireRecord): string | undefined {
  const fields = r.value.trim().split(/\s+/);
  if (r.type === "MX") return fields[1];
  if (r.type === "SRV") return fields[3];
  if (r.type === "CNAME" || r.type === "NS") return fields[0];
  return undefined;
}

/** What a server puts in: NSD appends targets of MX, NS and SRV; a provider its `additionalFor` types. */
const nsdAdditionalFor = ["MX", "NS", "SRV"];

export interface BuiltAnswer extends WireAnswer {
  rcode: ResponseCode;
  /** Owners of the CNAME chain followed inside the zone, in order. */
  cnames: string[];
  finalType: string;
}

/** The sections a provider fills for one question, following CNAMEs inside the zone (no hop limit: a loop stops where it repeats). */
export function buildAnswer(view: ZoneView, qname: string, qtype: string, behaviour: ResponseBehaviour = "always-authority"): BuiltAnswer {
  const answer: WireRecord[] = [];
  const cnames: string[] = [];
  const visited = new Set<string>();
  const negative = (rcode: ResponseCode): BuiltAnswer => ({ answer, authority: [soaRecord(view)], additional: [], rcode, cnames, finalType: qtype });
  let name = qname;
  let source = sourceOf(view, name);
  while (source !== undefined && qtype !== "CNAME" && !visited.has(name)) {
    visited.add(name);
    const cname = recordsAt(view, source, "CNAME")[0];
    if (!cname) break;
    const target = cname.values[0];
    if (name === view.apex && view.provider === "cloudflare") {
      // Cloudflare flattens an apex CNAME: the target's addresses, owned by the apex.
      const flattened = inZone(view, target) ? answerSet(view, target, qtype) : answerSet({ ...view, records: [{ ...cname, type: qtype, values: ["alias:" + target] }] }, name, qtype);
      answer.push(...flattened.map((r) => ({ ...r, name })));
      return { answer, authority: nsRecords(view), additional: [], rcode: "NOERROR", cnames, finalType: qtype };
    }
    answer.push({ name, type: "CNAME", ttl: cname.ttl ?? 60, value: target });
    cnames.push(name);
    if (!inZone(view, target)) return { answer, authority: nsRecords(view), additional: [], rcode: "NOERROR", cnames, finalType: "CNAME" };
    name = target;
    source = sourceOf(view, name);
  }
  if (source === undefined) return negative(answer.length > 0 ? "NOERROR" : "NXDOMAIN");
  const final = name === view.apex && qtype === "SOA" ? [soaRecord(view)] : name === view.apex && qtype === "NS" ? nsRecords(view) : answerSet(view, source, qtype, name);
  if (final.length === 0 && answer.length === 0) return negative("NOERROR");
  answer.push(...final);
  const additionalFor = behaviour === "drop-authority-when-full" ? nsdAdditionalFor : providerCapabilities[view.provider].additionalFor;
  const additional: WireRecord[] = [];
  const added = new Set<string>(answer.filter((r) => r.type === "A" || r.type === "AAAA").map((r) => `${r.name} ${r.type}`));
  for (const r of answer) {
    const target = additionalFor.includes(r.type) ? targetOf(r)?.toLowerCase() : undefined;
    const from = target && inZone(view, target) ? sourceOf(view, target) : undefined;
    if (!target || !from) continue;
    for (const type of ["A", "AAAA"]) {
      if (added.has(`${target} ${type}`)) continue;
      added.add(`${target} ${type}`);
      additional.push(...answerSet(view, from, type, target));
    }
  }
  // NS answers carry no authority section: the NS set is the answer (NSD and Route 53 alike).
  const authority = name === view.apex && qtype === "NS" ? [] : nsRecords(view);
  return { answer, authority, additional, rcode: "NOERROR", cnames, finalType: qtype };
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
const nodataTypes = ["TXT", "AAAA", "A", "MX", "CAA"];

/**
 * Every question a client can send that gets a different answer: every name's own types (a
 * wildcard asked at the longest name under it, since an answer repeats the question's name), A and
 * AAAA through each CNAME, the apex SOA and NS, a NODATA at the longest existing name and an
 * NXDOMAIN at the longest name that does not exist.
 */
export function questions(view: ZoneView): { qname: string; qtype: string }[] {
  const out: { qname: string; qtype: string }[] = [];
  const seen = new Set<string>();
  const add = (qname: string, qtype: string) => {
    const key = `${qname} ${qtype}`;
    if (!seen.has(key)) out.push({ qname, qtype }), seen.add(key);
  };
  const asked = (name: string) => (name.startsWith("*.") ? longestNameUnder(name.slice(2)) : name);
  for (const r of view.records) {
    if (r.type === "NS" || r.type === "SOA") continue;
    if (r.type !== "CNAME") {
      add(asked(r.name), r.type);
      continue;
    }
    // A CNAME answers A and AAAA questions: follow it to see which the target has.
    const visited = new Set<string>([r.name]);
    let target = r.values[0];
    let source = inZone(view, target) ? sourceOf(view, target) : undefined;
    while (source !== undefined && !visited.has(target)) {
      visited.add(target);
      const next = recordsAt(view, source, "CNAME")[0];
      if (!next) break;
      target = next.values[0];
      source = inZone(view, target) ? sourceOf(view, target) : undefined;
    }
    const types = source !== undefined ? ["A", "AAAA"].filter((t) => recordsAt(view, source!, t).length > 0) : [];
    if (types.length === 0) add(asked(r.name), r.name === view.apex && view.provider === "cloudflare" ? "A" : "CNAME");
    for (const t of types) add(asked(r.name), t);
  }
  add(view.apex, "SOA");
  add(view.apex, "NS");
  const { names } = indexOf(view);
  const cnameOwners = new Set(view.records.filter((r) => r.type === "CNAME").map((r) => r.name));
  let longest = view.apex;
  for (const name of names) if (!cnameOwners.has(name) && !name.startsWith("*.") && name.length > longest.length) longest = name;
  const lacking = nodataTypes.find((t) => recordsAt(view, longest, t).length === 0);
  if (lacking) add(longest, lacking);
  for (const fill of ["x", "y", "z"]) {
    const missing = longestNameUnder(view.apex, fill);
    if (sourceOf(view, missing) === undefined) {
      add(missing, "A");
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

/** The size of one answer under a provider's behaviour and a UDP limit: with EDNS (an OPT record) when the limit is above 512. */
export function answerSize(view: ZoneView, qname: string, qtype: string, behaviour: ResponseBehaviour, limit = legacyUdpLimit): AnswerSize {
  const built = buildAnswer(view, qname, qtype, behaviour);
  const edns = limit > legacyUdpLimit ? limit : undefined;
  const full = encodeResponse(qname, qtype, built, false, built.rcode, edns).length;
  const answerOnly = encodeResponse(qname, qtype, { answer: built.answer, authority: [], additional: [] }, false, built.rcode, edns).length;
  const finalRecords = built.answer.filter((r) => r.type === built.finalType).length;
  const bytesPerRecord = built.answer.length === 0 ? 0 : built.finalType === "AAAA" ? 28 : built.finalType === "A" ? 16 : 0;
  let bytes = full;
  let withAuthority = built.authority.length > 0;
  let truncated = full > limit;
  // A negative answer's SOA is its answer (resolvers cache the negative by it): never dropped.
  if (behaviour === "drop-authority-when-full" && truncated && built.answer.length > 0) {
    withAuthority = false;
    bytes = answerOnly;
    truncated = answerOnly > limit;
  }
  return {
    provider: view.provider,
    query: `${qname} ${qtype}`,
    label: questionLabel(view, qname, qtype, built.rcode === "NXDOMAIN" ? "nxdomain" : built.answer.length === 0 ? "nodata" : "answer"),
    qname,
    qtype,
    rcode: built.rcode,
    kind: built.rcode === "NXDOMAIN" ? "nxdomain" : built.answer.length === 0 ? "nodata" : "answer",
    cnames: built.cnames,
    finalRecords,
    bytesPerRecord,
    answerBytes: answerOnly,
    fullBytes: full,
    bytes,
    truncated,
    withAuthority,
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
