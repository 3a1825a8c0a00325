/**
 * Rules across the names a stack puts in its zone: the ingestion name, the CDN name, the aliases
 * and the extra records. They are schema rules (the schema reports them as `edge:<path>: …`, exit 2
 * from the plan) because no provider should ever be asked for such a zone:
 *
 * - a CNAME is the only record at its name (RFC 1034 §3.6.2; Route 53 and Cloudflare refuse it),
 *   and never at the apex, where the SOA and NS records live;
 * - a name and type are declared once (a provider holds one record set per name and type);
 * - no chain of in-zone CNAMEs comes back to where it started (resolvers give up with SERVFAIL);
 * - a fully qualified name fits in 253 characters.
 *
 * Pure module: no Pulumi imports.
 */

/** What the rules read from a config; the schema passes its parsed `domain`, `dns` and `cdn`. */
export interface ZoneNamesInput {
  domain: string;
  dns: {
    ingestName: string;
    aliases: { name: string; target: string }[];
    records: { name: string; type: string; values: string[] }[];
  };
  cdn: { hostname: string };
}

export interface ZoneNameProblem {
  /** Config path without the namespace, e.g. `["dns", "aliases", 0, "name"]`. */
  path: (string | number)[];
  message: string;
}

interface Occupant {
  type: string;
  /** What declares it, in words: `edge:dns.aliases[0]`. */
  source: string;
  path: (string | number)[];
}

const maxFqdnLength = 253;

function describePath(path: (string | number)[]): string {
  return "edge:" + path.map((p, i) => (typeof p === "number" ? `[${p}]` : (i === 0 ? "" : ".") + p)).join("");
}

/** `api` + `example.com` → `api.example.com`; `@` → `example.com`. */
function qualify(name: string, domain: string): string {
  return name === "@" ? domain : `${name}.${domain}`;
}

/** An in-zone CNAME target in presentation format, as a name relative to the zone; undefined outside the zone. */
export function relativeToZone(target: string, domain: string): string | undefined {
  const name = target.toLowerCase().replace(/\.$/, "");
  if (name === domain) return "@";
  return name.endsWith(`.${domain}`) ? name.slice(0, -(domain.length + 1)) : undefined;
}

function occupants(input: ZoneNamesInput): Map<string, Occupant[]> {
  const byName = new Map<string, Occupant[]>();
  const add = (name: string, occupant: Occupant) => byName.set(name, [...(byName.get(name) ?? []), occupant]);
  add(input.dns.ingestName, { type: "A", source: "the ingestion endpoint (edge:dns.ingestName)", path: ["dns", "ingestName"] });
  add(input.cdn.hostname, { type: "A", source: "the snippet CDN (edge:cdn.hostname)", path: ["cdn", "hostname"] });
  input.dns.aliases.forEach((alias, i) => add(alias.name, { type: "CNAME", source: describePath(["dns", "aliases", i]), path: ["dns", "aliases", i, "name"] }));
  input.dns.records.forEach((record, i) =>
    add(record.name, { type: record.type, source: describePath(["dns", "records", i]), path: ["dns", "records", i, "name"] }),
  );
  return byName;
}

/** In-zone CNAME edges: relative name → relative target, with the path of the entry that declares it. */
function cnameEdges(input: ZoneNamesInput): Map<string, { target: string; path: (string | number)[] }> {
  const edges = new Map<string, { target: string; path: (string | number)[] }>();
  input.dns.aliases.forEach((alias, i) => {
    if (!edges.has(alias.name)) edges.set(alias.name, { target: alias.target, path: ["dns", "aliases", i, "target"] });
  });
  input.dns.records.forEach((record, i) => {
    if (record.type !== "CNAME" || edges.has(record.name) || record.values.length !== 1) return;
    const target = relativeToZone(record.values[0], input.domain);
    if (target !== undefined) edges.set(record.name, { target, path: ["dns", "records", i, "values", 0] });
  });
  return edges;
}

/** Each CNAME cycle once, in linear time: every name is walked at most once. */
function cnameLoops(input: ZoneNamesInput): ZoneNameProblem[] {
  const edges = cnameEdges(input);
  const done = new Set<string>();
  const problems: ZoneNameProblem[] = [];
  for (const start of edges.keys()) {
    const onPath = new Map<string, number>();
    const chain: string[] = [];
    let at: string | undefined = start;
    while (at !== undefined && !done.has(at) && !onPath.has(at)) {
      onPath.set(at, chain.length);
      chain.push(at);
      at = edges.get(at)?.target;
    }
    for (const name of chain) done.add(name);
    if (at === undefined || !onPath.has(at)) continue;
    const cycle = chain.slice(onPath.get(at));
    const first = cycle.reduce((a, b) => (a < b ? a : b));
    const from = cycle.indexOf(first);
    const rotated = [...cycle.slice(from), ...cycle.slice(0, from), first];
    problems.push({
      path: edges.get(first)!.path,
      message: `CNAME loop ${rotated.join(" → ")}: resolvers answer SERVFAIL for every name in it. Point ${first} at a name with an address record`,
    });
  }
  return problems;
}

/** Every problem of the zone's names, each at the path of the entry to change. */
export function zoneNameProblems(input: ZoneNamesInput): ZoneNameProblem[] {
  const problems: ZoneNameProblem[] = [];
  for (const [name, here] of occupants(input)) {
    const fqdn = qualify(name, input.domain);
    if (fqdn.length > maxFqdnLength) {
      problems.push({ path: here[0].path, message: `${fqdn.slice(0, 40)}… is ${fqdn.length} characters with the domain; a DNS name has at most ${maxFqdnLength}` });
    }
    const seen = new Map<string, Occupant>();
    for (const occupant of here) {
      const earlier = seen.get(occupant.type);
      if (earlier?.path[1] === "ingestName" && occupant.path[0] === "cdn") {
        problems.push({
          path: occupant.path,
          message: `the snippet CDN and the ingestion endpoint share the name ${name}: the snippet would be served by the API hosts. Give the CDN its own name (incident 000: serve the snippet apart from the API)`,
        });
      } else if (earlier) {
        problems.push({
          path: occupant.path,
          message: `${occupant.type} ${name} is declared again (first by ${earlier.source}); a zone holds one ${occupant.type} record set per name: merge the values into one entry`,
        });
      } else seen.set(occupant.type, occupant);
    }
    const cname = here.find((o) => o.type === "CNAME");
    if (cname && name === "@") {
      problems.push({ path: cname.path, message: "a CNAME at the zone apex (@) is not allowed: the apex holds the zone's SOA and NS records" });
    }
    const others = here.filter((o) => o.type !== "CNAME");
    if (cname && others.length > 0) {
      problems.push({
        path: cname.path,
        message:
          `CNAME ${name} (${cname.source}) shares its name with ${others.map((o) => `${o.type} from ${o.source}`).join(", ")}; ` +
          `a CNAME must be the only record at its name: rename one of them`,
      });
    }
  }
  return [...problems, ...cnameLoops(input)];
}
