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
import { ResponseBehaviour, unknownAddressSetSize } from "./providers";

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

  name(name: string): void {
    const labels = name.replace(/\.$/, "").split(".").filter(Boolean);
    for (let i = 0; i < labels.length; i++) {
      const suffix = labels.slice(i).join(".").toLowerCase();
      const pointer = this.suffixes.get(suffix);
      if (pointer !== undefined) {
        this.u16(0xc000 | pointer);
        return;
      }
      if (this.length < 0x4000) this.suffixes.set(suffix, this.length);
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
    if (nameTypes.has(r.type) || r.type === "MX") {
      const lengthAt = this.length;
      this.u16(0); // RDLENGTH, patched below
      const start = this.length;
      if (r.type === "MX") {
        const [preference, exchange] = r.value.trim().split(/\s+/);
        this.u16(Number(preference));
        this.name(exchange);
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
  const codes: Record<string, number> = { A: 1, NS: 2, CNAME: 5, SOA: 6, PTR: 12, MX: 15, TXT: 16, AAAA: 28, CAA: 257 };
  const code = codes[type];
  if (code === undefined) throw new Error(`the wire-size model cannot encode ${type} records`);
  return code;
}

/** TXT strings longer than 255 bytes are split into several character-strings, as servers store them. */
function txtStrings(value: string): string[] {
  const parts: string[] = [];
  for (let i = 0; i < value.length || parts.length === 0; i += 255) parts.push(value.slice(i, i + 255));
  return parts;
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
      return rdataCodec("TXT").encode(txtStrings(value.replace(/^"(.*)"$/s, "$1")));
    case "CAA": {
      const match = /^(\d+)\s+(\S+)\s+"?([^"]*)"?$/.exec(value.trim());
      if (!match) throw new Error(`cannot read the CAA value ${value}`);
      return rdataCodec("CAA").encode({ flags: Number(match[1]), tag: match[2], value: match[3] });
    }
    default:
      throw new Error(`the wire-size model cannot encode ${type} records`);
  }
}

/** The encoded response to `qname qtype` with the given sections (ID 0, QR AA set, TC as given). */
export function encodeResponse(qname: string, qtype: string, sections: WireAnswer, truncated = false): Buffer {
  const w = new MessageWriter();
  w.u16(0); // ID
  w.u16(0x8000 | 0x0400 | (truncated ? 0x0200 : 0)); // QR, AA, TC
  w.u16(1);
  w.u16(sections.answer.length);
  w.u16(sections.authority.length);
  w.u16(sections.additional.length);
  w.name(qname);
  w.u16(dnsPacketType(qtype));
  w.u16(1);
  for (const r of [...sections.answer, ...sections.authority, ...sections.additional]) w.record(r);
  return w.bytes();
}

/**
 * The view's record sets by owner and type. Every question looks records up here rather than
 * scanning the view, so sizing a zone stays linear in its records: scanning made the 2,000-record
 * bench stack's answers quadratic, about a second of every plan and of the pack.
 * Views are values: the index of a records array is built once, on first use.
 */
const recordIndexes = new WeakMap<ProviderRecord[], Map<string, ProviderRecord[]>>();

function recordsAt(view: ZoneView, name: string, type: string): ProviderRecord[] {
  let index = recordIndexes.get(view.records);
  if (!index) {
    index = new Map();
    for (const r of view.records) {
      const key = `${r.name} ${r.type}`;
      const sets = index.get(key);
      if (sets) sets.push(r);
      else index.set(key, [r]);
    }
    recordIndexes.set(view.records, index);
  }
  return index.get(`${name} ${type}`) ?? [];
}

/** A record set's wire records; Route 53 sets with several set identifiers answer with the largest. */
function answerSet(view: ZoneView, name: string, type: string): WireRecord[] {
  const sets = recordsAt(view, name, type);
  if (sets.length === 0) return [];
  const largest = sets.reduce((a, b) => (b.values.length > a.values.length ? b : a));
  const ttl = largest.ttl ?? 60;
  const out: WireRecord[] = [];
  for (const value of largest.values) {
    if (value.startsWith("alias:")) {
      // An alias answers with its target's addresses, which the model cannot see: worst case.
      for (let i = 0; i < unknownAddressSetSize; i++) out.push({ name, type, ttl, value: type === "AAAA" ? `2001:db8::${i + 1}` : `192.0.2.${i + 1}` });
    } else {
      out.push({ name, type, ttl, value });
    }
  }
  return out;
}

function inZone(view: ZoneView, name: string): boolean {
  return name === view.apex || name.endsWith(`.${view.apex}`);
}

/** The sections a provider fills for one question, following CNAMEs inside the zone. */
export function buildAnswer(view: ZoneView, qname: string, qtype: string): WireAnswer & { cnames: string[]; finalType: string } {
  const answer: WireRecord[] = [];
  const cnames: string[] = [];
  let name = qname;
  for (let hop = 0; hop < 8; hop++) {
    const cname = recordsAt(view, name, "CNAME")[0];
    if (!cname || qtype === "CNAME") break;
    const target = cname.values[0];
    if (name === view.apex && view.provider === "cloudflare") {
      // Cloudflare flattens an apex CNAME: the target's addresses, owned by the apex.
      const flattened = inZone(view, target) ? answerSet(view, target, qtype) : answerSet({ ...view, records: [{ ...cname, type: qtype, values: ["alias:" + target] }] }, name, qtype);
      answer.push(...flattened.map((r) => ({ ...r, name })));
      return { answer, authority: authority(view), additional: [], cnames, finalType: qtype };
    }
    answer.push({ name, type: "CNAME", ttl: cname.ttl ?? 60, value: target });
    cnames.push(name);
    if (!inZone(view, target)) return { answer, authority: authority(view), additional: [], cnames, finalType: "CNAME" };
    name = target;
  }
  const final = answerSet(view, name, qtype);
  answer.push(...final);
  const additional: WireRecord[] = [];
  if (qtype === "MX") {
    for (const r of final) {
      const exchange = r.value.trim().split(/\s+/)[1];
      if (exchange && inZone(view, exchange)) additional.push(...answerSet(view, exchange, "A"), ...answerSet(view, exchange, "AAAA"));
    }
  }
  return { answer, authority: authority(view), additional, cnames, finalType: qtype };
}

function authority(view: ZoneView): WireRecord[] {
  const ns = recordsAt(view, view.apex, "NS")[0];
  const ttl = ns?.ttl ?? 172800;
  return view.nameServers.map((value) => ({ name: view.apex, type: "NS", ttl, value }));
}

/** The questions a resolver asks of a zone: every name's own types, A and AAAA through each CNAME. */
export function questions(view: ZoneView): { qname: string; qtype: string }[] {
  const out: { qname: string; qtype: string }[] = [];
  const seen = new Set<string>();
  const add = (qname: string, qtype: string) => {
    const key = `${qname} ${qtype}`;
    if (!seen.has(key)) out.push({ qname, qtype }), seen.add(key);
  };
  for (const r of view.records) {
    if (r.type === "NS" || r.type === "SOA") continue;
    if (r.type !== "CNAME") {
      add(r.name, r.type);
      continue;
    }
    // A CNAME answers A and AAAA questions: follow it to see which the target has.
    let target = r.values[0];
    for (let hop = 0; hop < 8 && inZone(view, target); hop++) {
      const next = recordsAt(view, target, "CNAME")[0];
      if (!next) break;
      target = next.values[0];
    }
    const types = inZone(view, target) ? ["A", "AAAA"].filter((t) => recordsAt(view, target, t).length > 0) : [];
    if (types.length === 0) add(r.name, r.name === view.apex && view.provider === "cloudflare" ? "A" : "CNAME");
    for (const t of types) add(r.name, t);
  }
  return out;
}

/** The size of one answer under a provider's behaviour and a UDP limit. */
export function answerSize(view: ZoneView, qname: string, qtype: string, behaviour: ResponseBehaviour, limit = legacyUdpLimit): AnswerSize {
  const built = buildAnswer(view, qname, qtype);
  const full = encodeResponse(qname, qtype, built).length;
  const answerOnly = encodeResponse(qname, qtype, { answer: built.answer, authority: [], additional: [] }).length;
  const finalRecords = built.answer.filter((r) => r.type === built.finalType).length;
  const bytesPerRecord = built.finalType === "AAAA" ? 28 : built.finalType === "A" ? 16 : 0;
  let bytes = full;
  let withAuthority = true;
  let truncated = full > limit;
  if (behaviour === "drop-authority-when-full" && truncated) {
    withAuthority = false;
    bytes = answerOnly;
    truncated = answerOnly > limit;
  }
  return {
    provider: view.provider,
    query: `${qname} ${qtype}`,
    qname,
    qtype,
    cnames: built.cnames,
    finalRecords,
    bytesPerRecord,
    answerBytes: answerOnly,
    fullBytes: full,
    bytes,
    truncated,
    withAuthority,
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
