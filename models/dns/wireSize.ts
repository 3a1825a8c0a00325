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
  /** The types each name holds, in the order the view lists them. */
  types: Map<string, string[]>;
  /** Names with records, and their ancestors inside the zone. */
  names: Set<string>;
}
const recordIndexes = new WeakMap<ProviderRecord[], RecordIndex>();

function indexOf(view: ZoneView): RecordIndex {
  let index = recordIndexes.get(view.records);
  if (!index) {
    index = { sets: new Map(), types: new Map(), names: new Set([view.apex]) };
    for (const r of view.records) {
      const key = `${r.name} ${r.type}`;
      const sets = index.sets.get(key);
      if (sets) sets.push(r);
      else {
        index.sets.set(key, [r]);
        index.types.set(r.name, [...(index.types.get(r.name) ?? []), r.type]);
      }
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
  /** A positive answer, NODATA (the final name lacks the type) or NXDOMAIN (the final name does not exist). */
  kind: AnswerSize["kind"];
  /** Owners of the CNAME chain followed inside the zone, in order. */
  cnames: string[];
  finalType: string;
  /** The name asked, or the wildcard it matches: where the answer starts (the CNAME owner of a chain); the apex for NXDOMAIN. */
  owner: string;
}

/**
 * The additional section: the A sets of every in-zone target the answer names (MX exchange, SRV
 * target, and CNAME and NS targets where the provider adds them), then their AAAA sets, in the
 * order NSD adds them (all A sets, then all AAAA sets), each set once and none already answered.
 */
function additionalFor(view: ZoneView, answer: WireRecord[], behaviour: ResponseBehaviour): WireRecord[] {
  const types = behaviour === "drop-authority-when-full" ? nsdAdditionalFor : providerCapabilities[view.provider].additionalFor;
  const targets: { name: string; source: string }[] = [];
  for (const r of answer) {
    const target = types.includes(r.type) ? targetOf(r)?.toLowerCase() : undefined;
    const source = target && inZone(view, target) ? sourceOf(view, target) : undefined;
    if (target && source && !targets.some((t) => t.name === target)) targets.push({ name: target, source });
  }
  const answered = new Set(answer.filter((r) => r.type === "A" || r.type === "AAAA").map((r) => `${r.name} ${r.type}`));
  return ["A", "AAAA"].flatMap((type) => targets.filter((t) => !answered.has(`${t.name} ${type}`)).flatMap((t) => answerSet(view, t.source, type, t.name)));
}

/**
 * The sections a provider fills for one question, following CNAMEs inside the zone (no hop limit:
 * a loop stops where it repeats). A chain that ends at a name without the type is NODATA, at a
 * name that does not exist NXDOMAIN (RFC 6604 §2.1): the chain and the zone's SOA, as NSD answers.
 */
export function buildAnswer(view: ZoneView, qname: string, qtype: string, behaviour: ResponseBehaviour = "always-authority"): BuiltAnswer {
  const answer: WireRecord[] = [];
  const cnames: string[] = [];
  const visited = new Set<string>();
  let name = qname;
  let source = sourceOf(view, name);
  const owner = source ?? view.apex;
  const negative = (kind: "nodata" | "nxdomain"): BuiltAnswer => ({
    answer,
    authority: [soaRecord(view)],
    // The CNAMEs of the chain still name their targets: a provider that adds their addresses adds them here too.
    additional: additionalFor(view, answer, behaviour),
    rcode: kind === "nxdomain" ? "NXDOMAIN" : "NOERROR",
    kind,
    cnames,
    finalType: qtype,
    owner,
  });
  while (source !== undefined && qtype !== "CNAME" && !visited.has(name)) {
    visited.add(name);
    const cname = recordsAt(view, source, "CNAME")[0];
    if (!cname) break;
    const target = cname.values[0];
    if (name === view.apex && view.provider === "cloudflare") {
      // Cloudflare flattens an apex CNAME: the target's addresses, owned by the apex.
      const flattened = inZone(view, target) ? answerSet(view, target, qtype) : answerSet({ ...view, records: [{ ...cname, type: qtype, values: ["alias:" + target] }] }, name, qtype);
      answer.push(...flattened.map((r) => ({ ...r, name })));
      return { answer, authority: nsRecords(view), additional: [], rcode: "NOERROR", kind: "answer", cnames, finalType: qtype, owner };
    }
    answer.push({ name, type: "CNAME", ttl: cname.ttl ?? 60, value: target });
    cnames.push(name);
    if (!inZone(view, target)) return { answer, authority: nsRecords(view), additional: [], rcode: "NOERROR", kind: "answer", cnames, finalType: "CNAME", owner };
    name = target;
    source = sourceOf(view, name);
  }
  if (source === undefined) return negative("nxdomain");
  const final = name === view.apex && qtype === "SOA" ? [soaRecord(view)] : name === view.apex && qtype === "NS" ? nsRecords(view) : answerSet(view, source, qtype, name);
  if (final.length === 0) return negative("nodata");
  answer.push(...final);
  // NS answers carry no authority section: the NS set is the answer (NSD and Route 53 alike).
  const authority = name === view.apex && qtype === "NS" ? [] : nsRecords(view);
  return { answer, authority, additional: additionalFor(view, answer, behaviour), rcode: "NOERROR", kind: "answer", cnames, finalType: qtype, owner };
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
