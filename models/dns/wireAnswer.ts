/**
 * The answer a zone view gives to one question: the records of each section (CNAME chains,
 * wildcards, referrals, NODATA and NXDOMAIN with the SOA, the additional records a server adds).
 *
 * Pure module: no Pulumi imports.
 */
import type { ProviderRecord } from "./compare";
import { providerCapabilities, ResponseBehaviour, unknownAddressSetSize } from "./providers";
import { ResponseCode, WireAnswer, WireRecord } from "./wireEncoding";
import { AnswerSize, ZoneView } from "./wireSize";

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

export function indexOf(view: ZoneView): RecordIndex {
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

export function recordsAt(view: ZoneView, name: string, type: string): ProviderRecord[] {
  return indexOf(view).sets.get(`${name} ${type}`) ?? [];
}

/**
 * Where a name's records come from (RFC 4592): the name itself when it exists, else the wildcard
 * `*.<closest encloser>` when there is one; undefined for a name that does not exist (NXDOMAIN).
 */
export function sourceOf(view: ZoneView, name: string): string | undefined {
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

export function inZone(view: ZoneView, name: string): boolean {
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
