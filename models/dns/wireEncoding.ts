/**
 * DNS messages encoded as authoritative servers encode them (names compressed, RDATA by dns-packet's
 * codecs): the bytes the wire-size model counts.
 *
 * Pure module: no Pulumi imports.
 */
import * as dnsPacket from "dns-packet";
import { Buffer } from "node:buffer";
import { parseCaa, txtStrings } from "./record";

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
