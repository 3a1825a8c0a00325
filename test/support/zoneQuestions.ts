/**
 * The questions a client can ask of a zone, drawn from the zone file itself (not from the wire-size
 * model's own question list, so a question the model forgets fails the test that asks it): for
 * every owner, each type it holds and a type it lacks (NODATA), and an NXDOMAIN under it; for a
 * CNAME owner, the CNAME itself and, through its chain, each type the chain's end holds and one it
 * lacks; a wildcard asked by its own name and at the longest name under its parent.
 *
 * Reads the master files `models/dns/zoneFile.ts` writes: `$ORIGIN`, then `owner ttl IN TYPE rdata`
 * lines, names relative to the origin or fully qualified with a dot, `;` comments.
 */

export interface ZoneFileRecord {
  /** Fully qualified, lowercase, without the trailing dot. */
  owner: string;
  type: string;
  rdata: string;
}

export interface ParsedZone {
  apex: string;
  records: ZoneFileRecord[];
}

export function parseZoneFile(text: string): ParsedZone {
  let apex = "";
  const records: ZoneFileRecord[] = [];
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith(";")) continue;
    const origin = /^\$ORIGIN\s+(\S+)\.$/.exec(line);
    if (origin) {
      apex = origin[1].toLowerCase();
      continue;
    }
    const match = /^(\S+)\s+\d+\s+IN\s+([A-Z]+)\s+(.*)$/.exec(line);
    if (!match) throw new Error(`cannot read the zone file line ${JSON.stringify(line)}`);
    const owner = match[1] === "@" ? apex : match[1].endsWith(".") ? match[1].slice(0, -1) : `${match[1]}.${apex}`;
    records.push({ owner: owner.toLowerCase(), type: match[2], rdata: match[3] });
  }
  if (!apex) throw new Error("the zone file has no $ORIGIN");
  return { apex, records };
}

export type Expected = "answer" | "nodata" | "nxdomain";

export interface DrawnQuestion {
  qname: string;
  qtype: string;
  /** The owner whose records answer: the wildcard a long name matches, the apex for an NXDOMAIN. */
  owner: string;
  expect: Expected;
  /** Why the question is asked, for messages: `TXT through the CNAME alias.example.com`. */
  why: string;
}

/** Types asked where a name lacks them, the first it does not hold. */
const probeTypes = ["TXT", "AAAA", "A", "MX", "CAA", "SRV"];

/** The longest name (253 characters) under `parent`, of labels of `fill` (a letter the model's own names do not use). */
export function longestName(parent: string, fill = "q"): string {
  const labels: string[] = [];
  for (let left = 253 - parent.length - 1; left > 0; ) {
    const length = Math.min(63, left - (left > 63 ? 1 : 0));
    labels.push(fill.repeat(length));
    left -= length + 1;
  }
  return [...labels, parent].join(".");
}

export function drawQuestions(zone: ParsedZone): DrawnQuestion[] {
  const { apex } = zone;
  const types = new Map<string, string[]>();
  for (const r of zone.records) types.set(r.owner, [...new Set([...(types.get(r.owner) ?? []), r.type])]);
  const exists = (name: string) => types.has(name) || [...types.keys()].some((o) => o.endsWith(`.${name}`)) || name === apex;
  const inZone = (name: string) => name === apex || name.endsWith(`.${apex}`);
  /** Where a name's records come from: itself, or the wildcard at its closest encloser; undefined for NXDOMAIN. */
  const sourceOf = (name: string): string | undefined => {
    if (exists(name)) return name;
    for (let encloser = name; encloser.includes(".") && encloser !== apex; ) {
      encloser = encloser.slice(encloser.indexOf(".") + 1);
      if (exists(encloser)) return types.has(`*.${encloser}`) ? `*.${encloser}` : undefined;
    }
    return undefined;
  };
  const cnameTarget = (name: string) => {
    const rdata = zone.records.find((r) => r.owner === name && r.type === "CNAME")?.rdata;
    return rdata === undefined ? undefined : rdata.replace(/\.$/, "").toLowerCase();
  };
  const out: DrawnQuestion[] = [];
  const add = (q: DrawnQuestion) => {
    if (!out.some((o) => o.qname === q.qname && o.qtype === q.qtype)) out.push(q);
  };
  const heldAt = (name: string) => (types.get(name) ?? []).filter((t) => t !== "CNAME");
  for (const owner of types.keys()) {
    const askedAt = owner.startsWith("*.") ? [owner, longestName(owner.slice(2))] : [owner];
    for (const qname of askedAt) {
      const target = cnameTarget(owner);
      if (target === undefined) {
        const held = heldAt(owner);
        for (const qtype of held) add({ qname, qtype, owner, expect: "answer", why: `${qtype} held by ${owner}` });
        const lacking = probeTypes.find((t) => !held.includes(t));
        if (lacking) add({ qname, qtype: lacking, owner, expect: "nodata", why: `${lacking}, which ${owner} lacks` });
        continue;
      }
      add({ qname, qtype: "CNAME", owner, expect: "answer", why: `the CNAME at ${owner}` });
      // Follow the chain as a server does, to its end.
      const seen = new Set([owner]);
      let name = target;
      let source: string | undefined;
      for (;;) {
        if (!inZone(name)) break;
        source = sourceOf(name);
        if (source === undefined || seen.has(name)) break;
        seen.add(name);
        const next = cnameTarget(source);
        if (next === undefined) break;
        name = next;
      }
      if (!inZone(name)) continue;
      if (source === undefined) {
        add({ qname, qtype: "A", owner, expect: "nxdomain", why: `A through the CNAME ${owner} to ${name}, which does not exist` });
        continue;
      }
      const held = [...heldAt(source), ...(name === apex ? ["SOA", "NS"] : [])];
      for (const qtype of held) add({ qname, qtype, owner, expect: "answer", why: `${qtype} through the CNAME ${owner} to ${name}` });
      const lacking = probeTypes.find((t) => !held.includes(t));
      if (lacking) add({ qname, qtype: lacking, owner, expect: "nodata", why: `${lacking} through the CNAME ${owner} to ${name}, which lacks it` });
    }
    // A name under the owner that does not exist, unless a wildcard there answers it.
    if (!owner.startsWith("*.") && !types.has(`*.${owner}`) && owner.length < 250) {
      const missing = longestName(owner);
      if (sourceOf(missing) === undefined) add({ qname: missing, qtype: "A", owner: apex, expect: "nxdomain", why: `a name under ${owner} that does not exist` });
    }
  }
  return out;
}
