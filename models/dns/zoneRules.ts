/**
 * The one validator of a zone's names and values, DNSControl's validate step: every problem at
 * once, each at the config path of the entry to change. The schema reports them as
 * `edge:<path>: …` (exit 2 from the plan) and `DnsRecords` refuses the same problems before it
 * declares anything, so no provider is ever asked for such a zone.
 *
 * - what a provider cannot serve comes from the capability table (`providers.ts`), with its reason;
 * - values are valid for their type (addresses, MX, CAA, TXT strings, CNAME targets);
 * - a CNAME is the only record at its name (RFC 1034 §3.6.2); a name and type are declared once;
 * - the names the program answers itself (the ingestion name, the CDN name and the certificate
 *   validation names under them) are not declared again;
 * - names stay distinct once turned into resource names, and fit the 255-octet wire limit,
 *   generated validation names included;
 * - in-zone CNAME chains end (no loop) within the configured length;
 * - mail policy records are unambiguous: one SPF policy per name (RFC 7208 §4.5), one DMARC
 *   policy at `_dmarc` (RFC 7489 §6.6.3), a null MX alone in its set (RFC 7505 §3).
 *
 * Pure module: no Pulumi imports.
 */
import { isIPv4, isIPv6 } from "node:net";
import { cloudflareValueSuffix } from "./cloudflare";
import { ConfigPath, DeclaredRecord, fqdn, maxTxtStringBytes, parseCaa, parseSrv, recordSlug, txtStrings } from "./record";
import { refusedFeatures } from "./providers";
import { maxNameLength, nameProblem } from "./names";

export interface ZoneProblem {
  /** Config path without the namespace, e.g. `["dns", "aliases", 0, "name"]`. */
  path: ConfigPath;
  message: string;
}

/** What the rules read: the zone, the names the program answers itself, and the declared records. */
export interface ZoneRulesInput {
  domain: string;
  ingestName: string;
  /** The snippet CDN's name; absent when the stack has no CDN. */
  cdnName?: string;
  declared: DeclaredRecord[];
  /** Longest chain of in-zone CNAMEs a question may go through. */
  maxCnameChainLength: number;
  /** The ingestion regions, whose ingest records the program names after them. Defaults to none. */
  regions?: string[];
  /** Addresses each region's ingest name answers with in Cloudflare (one record each). Defaults to 0. */
  addressesPerRegion?: number;
}

/** The longest CNAME chain `edge:dns.maxCnameChainLength` may allow: every hop is a record in every answer through it. */
export const maxCnameChainLimit = 16;

export { maxNameLength };
/** ACM's validation record names: `_<32 hex digits>.` in front of the certified name. */
export const acmValidationPrefixLength = 34;
export const acmValidationName = /^_[0-9a-f]{32}\.(.+)$/;

/** `edge:dns.aliases[0].name` */
export function describePath(path: ConfigPath): string {
  return "edge:" + path.map((p, i) => (typeof p === "number" ? `[${p}]` : (i === 0 ? "" : ".") + p)).join("");
}

/** An in-zone CNAME target in presentation format, as a name relative to the zone; undefined outside the zone. */
export function relativeToZone(target: string, domain: string): string | undefined {
  const name = target.toLowerCase().replace(/\.$/, "");
  if (name === domain) return "@";
  return name.endsWith(`.${domain}`) ? name.slice(0, -(domain.length + 1)) : undefined;
}

/** Why a fully qualified host name (CNAME target, MX exchange, SRV target) is invalid, or undefined. */
function hostNameProblem(name: string): string | undefined {
  const problem = nameProblem(name.replace(/\.$/, ""), { underscore: true, upperCase: true, wildcard: false });
  return problem && `is not a DNS name (labels of letters, digits, '-' and '_', at most 63 characters each): ${problem}`;
}

/** Why one value is invalid for its type, naming the value and the fix; undefined when it is valid. */
export function valueProblem(type: string, value: string): string | undefined {
  const shown = value.length > 60 ? `${JSON.stringify(value.slice(0, 60))}… (${value.length} characters)` : JSON.stringify(value);
  switch (type) {
    case "A":
      return isIPv4(value) ? undefined : `${shown} is not an IPv4 address such as 192.0.2.10`;
    case "AAAA":
      return isIPv6(value) ? undefined : `${shown} is not an IPv6 address such as 2001:db8::10`;
    case "CNAME": {
      const problem = hostNameProblem(value);
      return problem && `the CNAME target ${shown} ${problem}`;
    }
    case "MX": {
      const match = /^(\d{1,5})\s+(\S+)$/.exec(value.trim());
      if (!match) return `${shown} is not an MX value: expected a preference and a mail server, e.g. "10 mx1.example.net"`;
      if (Number(match[1]) > 65535) return `the MX preference ${match[1]} is above 65535 (a 16-bit number)`;
      // `0 .` is the null MX of a domain that accepts no mail (RFC 7505).
      const problem = match[2] === "." ? undefined : hostNameProblem(match[2]);
      return problem && `the MX mail server ${JSON.stringify(match[2])} ${problem}`;
    }
    case "CAA": {
      const caa = parseCaa(value);
      if (!caa) return `${shown} is not a CAA value: expected flags, a tag and a quoted value, e.g. 0 issue "amazon.com"`;
      if (caa.flags > 255) return `the CAA flags ${caa.flags} are above 255 (one octet; 0, or 128 for critical)`;
      if (!["issue", "issuewild", "iodef"].includes(caa.tag)) {
        return `the CAA tag ${JSON.stringify(caa.tag)} is none of issue, issuewild, iodef (RFC 8659 §4.2); CAs ignore other tags unless critical`;
      }
      if (caa.tag === "iodef" && !/^(mailto:|https?:\/\/)\S+$/.test(caa.value)) {
        return `the CAA iodef value ${JSON.stringify(caa.value)} is not a mailto: or http(s):// URL (RFC 8659 §4.4)`;
      }
      if (caa.tag !== "iodef" && !/^(;.*|[A-Za-z0-9.-]+(\s*;.*)?)$/.test(caa.value)) {
        return `the CAA ${caa.tag} value ${JSON.stringify(caa.value)} is not a CA's domain (e.g. "amazon.com") or ";" (RFC 8659 §4.2)`;
      }
      return undefined;
    }
    case "SRV": {
      const srv = parseSrv(value);
      if (!srv) return `${shown} is not an SRV value: expected priority, weight, port and target, e.g. "10 5 5060 sip.example.com"`;
      const over = (["priority", "weight", "port"] as const).find((f) => srv[f] > 65535);
      if (over) return `the SRV ${over} ${srv[over]} is above 65535 (a 16-bit number)`;
      const problem = srv.target === "." ? undefined : hostNameProblem(srv.target);
      return problem && `the SRV target ${JSON.stringify(srv.target)} ${problem}`;
    }
    case "TXT": {
      const strings = txtStrings(value);
      const long = strings.findIndex((s) => Buffer.byteLength(s, "utf8") > maxTxtStringBytes);
      if (long >= 0) {
        return (
          `string ${long + 1} of the TXT value is ${Buffer.byteLength(strings[long], "utf8")} bytes, above the ${maxTxtStringBytes} a TXT string holds (RFC 1035 §3.3): ` +
          `split it into quoted strings of at most ${maxTxtStringBytes}, or write the value without quotes and it is split for you`
        );
      }
      return undefined;
    }
    default:
      return undefined;
  }
}

interface Occupant {
  type: string;
  /** What declares it, in words: `edge:dns.aliases[0]`. */
  source: string;
  path: ConfigPath;
  /** Answered by the program itself, not declared in `edge:dns`. */
  program: boolean;
}

function occupants(input: ZoneRulesInput): Map<string, Occupant[]> {
  const byName = new Map<string, Occupant[]>();
  const add = (name: string, occupant: Occupant) => byName.set(name, [...(byName.get(name) ?? []), occupant]);
  add(input.ingestName, { type: "A", source: "the ingestion endpoint (edge:dns.ingestName)", path: ["dns", "ingestName"], program: true });
  if (input.cdnName !== undefined) add(input.cdnName, { type: "CNAME", source: "the snippet CDN (edge:cdn.hostname)", path: ["cdn", "hostname"], program: true });
  for (const r of input.declared) add(r.name, { type: r.type, source: describePath(r.path), path: [...r.path, "name"], program: false });
  return byName;
}

function valuePath(r: DeclaredRecord, i: number): ConfigPath {
  return r.valuesKey === "target" ? [...r.path, "target"] : [...r.path, "values", i];
}

/** Problems of each declared record on its own: its values, its name's shape, what a provider cannot serve. */
function recordProblems(input: ZoneRulesInput): ZoneProblem[] {
  const problems: ZoneProblem[] = [];
  for (const r of input.declared) {
    const at = (message: string, path: ConfigPath = [...r.path, "name"]) => problems.push({ path, message: `${r.type} ${r.name}: ${message}` });
    for (const refused of refusedFeatures(r)) at(refused);
    if (r.name.split(".").slice(1).includes("*")) at("a wildcard `*` is only valid as the leftmost label, e.g. `*.eu`");
    if (r.type === "SRV" && !/^_[a-z0-9-]+\._(tcp|udp|tls|sctp)(\.|$)/.test(r.name)) at("an SRV record's name is _service._protocol, e.g. `_sip._tcp` (RFC 2782)");
    if (r.type === "CNAME" && r.values.length !== 1) at(`a CNAME has exactly one target, got ${r.values.length}`, [...r.path, r.valuesKey]);
    for (const problem of mailPolicyProblems(r)) at(problem, [...r.path, r.valuesKey]);
    const seen = new Map<string, number>();
    r.values.forEach((value, i) => {
      const problem = valueProblem(r.type, value);
      if (problem) at(problem, valuePath(r, i));
      const first = seen.get(value);
      if (first !== undefined) at(`the value ${JSON.stringify(value)} is listed twice (values ${first + 1} and ${i + 1}); a record set holds each value once: remove one`, valuePath(r, i));
      else seen.set(value, i);
    });
  }
  return problems;
}

/**
 * A record set a receiver cannot read one way: several SPF or DMARC policies make the check fail
 * as a whole (SPF permerror; DMARC applies none), and a null MX beside real exchanges is ambiguous.
 * The hygiene records (`hygiene.ts`) merge into declared sets, so the usual cause is a declared
 * policy beside the one `edge:dns.mail` publishes.
 */
function mailPolicyProblems(r: DeclaredRecord): string[] {
  const fix = "keep one (for a domain that sends mail, set edge:dns.mail.sends to true and declare its policy)";
  const out: string[] = [];
  if (r.type === "TXT") {
    const spf = r.values.filter((v) => /^v=spf1(\s|$)/i.test(txtStrings(v).join("")));
    if (spf.length > 1) out.push(`${spf.length} SPF policies (${spf.map((v) => JSON.stringify(v)).join(", ")}): receivers treat more than one as a permanent error (RFC 7208 §4.5); ${fix}`);
    const dmarc = r.values.filter((v) => /^v=DMARC1(;|\s|$)/.test(txtStrings(v).join("")));
    if (dmarc.length > 1) out.push(`${dmarc.length} DMARC policies (${dmarc.map((v) => JSON.stringify(v)).join(", ")}): receivers apply none when there is more than one (RFC 7489 §6.6.3); ${fix}`);
  }
  if (r.type === "MX" && r.values.length > 1 && r.values.some((v) => /^0\s+\.$/.test(v.trim()))) {
    out.push(`a null MX "0 ." (the domain accepts no mail, RFC 7505) beside ${r.values.length - 1} mail server${r.values.length === 2 ? "" : "s"}: a null MX must be the only MX; ${fix}`);
  }
  return out;
}

/** Problems across the names of the zone: what sits beside what, lengths, resource-name collisions. */
function nameProblems(input: ZoneRulesInput): ZoneProblem[] {
  const problems: ZoneProblem[] = [];
  const programNames = new Map<string, Occupant>();
  for (const [name, here] of occupants(input)) {
    const full = fqdn(name, input.domain);
    if (full.length > maxNameLength) {
      problems.push({ path: here[0].path, message: `${full.slice(0, 40)}… is ${full.length} characters with the domain; a DNS name has at most ${maxNameLength}` });
    }
    const owner = here.find((o) => o.program);
    if (owner) {
      programNames.set(name, owner);
      if (!/^[a-z0-9-]+(\.[a-z0-9-]+)*$/.test(name)) {
        problems.push({
          path: owner.path,
          message: `${JSON.stringify(name)} is served with a certificate, and ACM certifies host names only (letters, digits and '-' in each label; no '_', '*' or '@'): choose a name such as \`api\``,
        });
      }
      // ACM's validation records add `_<32 hex>.` in front of each certified name.
      const validation = full.length + acmValidationPrefixLength;
      if (validation > maxNameLength) {
        problems.push({
          path: owner.path,
          message: `${name} is certified through the validation record _<32 hex digits>.${full.slice(0, 30)}…, ${validation} characters, above the ${maxNameLength} a DNS name holds: shorten the name by ${validation - maxNameLength} characters`,
        });
      }
    }
    const program = here.filter((o) => o.program);
    if (program.length === 2) {
      problems.push({
        path: program[1].path,
        message: `the snippet CDN and the ingestion endpoint share the name ${name}: the snippet would be served by the API hosts. Give the CDN its own name (incident 000: serve the snippet apart from the API)`,
      });
    }
    const declared = here.filter((o) => !o.program);
    if (owner) {
      for (const o of declared) {
        problems.push({ path: o.path, message: `${o.type} ${name} is at ${owner.source}, a name the program answers itself (${owner.type}); declare it at another name` });
      }
      continue;
    }
    const seen = new Map<string, Occupant>();
    for (const o of declared) {
      const earlier = seen.get(o.type);
      if (earlier) {
        problems.push({
          path: o.path,
          message: `${o.type} ${name} is declared again (first by ${earlier.source}); a zone holds one ${o.type} record set per name: merge the values into one entry`,
        });
      } else seen.set(o.type, o);
    }
    const cname = declared.find((o) => o.type === "CNAME");
    const others = declared.filter((o) => o.type !== "CNAME");
    if (cname && others.length > 0) {
      problems.push({
        path: cname.path,
        message: `CNAME ${name} (${cname.source}) shares its name with ${others.map((o) => `${o.type} from ${o.source}`).join(", ")}; a CNAME must be the only record at its name: rename one of them`,
      });
    }
  }
  for (const r of input.declared) {
    const validated = acmValidationName.exec(r.name)?.[1];
    const owner = validated && programNames.get(validated);
    if (owner) {
      problems.push({
        path: [...r.path, "name"],
        message: `${r.type} ${r.name} has the shape of the certificate validation record of ${validated} (${owner.source}), which the program writes itself: declare it at another name`,
      });
    }
  }
  return [...problems, ...slugCollisions(input)];
}

/**
 * Two entries whose resource names would be the same (`a.b` and `a-b` both give `a-a-b`), and a
 * declared record whose resource names are ones the program gives its own records: the ingest
 * name's Route 53 set of each region (`…-route53-a-<ingest name>-<region>`) and its Cloudflare
 * records (`…-cloudflare-a-<ingest name>-<region>-<n>`). Pulumi refuses two resources of one name,
 * so either would stop the plan and the deploy.
 */
function slugCollisions(input: ZoneRulesInput): ZoneProblem[] {
  const problems: ZoneProblem[] = [];
  const bySlug = new Map<string, { key: string; source: string }>();
  const claim = (slug: string, key: string, source: string, path: ConfigPath) => {
    const earlier = bySlug.get(slug);
    if (earlier && earlier.key !== key) {
      problems.push({
        path,
        message: `${key} and ${earlier.key} (${earlier.source}) both become the resource name ${slug} ('.' and '*' are written '-' and 'wildcard'): rename one of them`,
      });
    } else if (!earlier) bySlug.set(slug, { key, source });
  };
  claim(recordSlug({ type: "A", name: input.ingestName }), `A ${input.ingestName}`, "edge:dns.ingestName", ["dns", "ingestName"]);
  if (input.cdnName !== undefined) claim(recordSlug({ type: "CNAME", name: input.cdnName }), `CNAME ${input.cdnName}`, "edge:cdn.hostname", ["cdn", "hostname"]);
  for (const r of input.declared) claim(recordSlug(r), `${r.type} ${r.name}`, describePath(r.path), [...r.path, "name"]);

  const regions = input.regions ?? [];
  const reserved = new Map<string, string>();
  for (const region of regions) {
    reserved.set(`route53-a-${input.ingestName}-${region}`, region);
    for (let i = 1; i <= (input.addressesPerRegion ?? 0); i++) reserved.set(`cloudflare-a-${input.ingestName}-${region}-${i}`, region);
  }
  for (const r of input.declared) {
    const slug = recordSlug(r);
    const cloudflare = r.values.length > 1 ? [...r.values.map((v) => `${slug}-${cloudflareValueSuffix(r.type, v)}`), ...r.values.map((_, i) => `${slug}-${i + 1}`)] : [slug];
    const taken = [`route53-${slug}`, ...cloudflare.map((n) => `cloudflare-${n}`)].find((n) => reserved.has(n));
    if (taken === undefined) continue;
    problems.push({
      path: [...r.path, "name"],
      message:
        `${r.type} ${r.name}: its resource name …-${taken} is the one the program gives the ingestion record of ${reserved.get(taken)}; ` +
        `the program names …-route53-a-${input.ingestName}-<region> and …-cloudflare-a-${input.ingestName}-<region>-<1 to ${input.addressesPerRegion ?? 0}> for every region of edge:regions, ` +
        `and two resources of one name stop the plan and the deploy: rename the record`,
    });
  }
  return problems;
}

/** In-zone CNAME edges: relative name → relative target, with the path of the value that points. */
function cnameEdges(input: ZoneRulesInput): Map<string, { target: string; path: ConfigPath }> {
  const edges = new Map<string, { target: string; path: ConfigPath }>();
  for (const r of input.declared) {
    if (r.type !== "CNAME" || edges.has(r.name) || r.values.length !== 1) continue;
    const target = relativeToZone(r.values[0], input.domain);
    if (target !== undefined) edges.set(r.name, { target, path: valuePath(r, 0) });
  }
  return edges;
}

/** Each CNAME cycle once, and each chain longer than the limit, in linear time: every name is walked once. */
function cnameChainProblems(input: ZoneRulesInput): ZoneProblem[] {
  const edges = cnameEdges(input);
  /** Hops from a name to the end of its chain, once known. */
  const length = new Map<string, number>();
  const problems: ZoneProblem[] = [];
  for (const start of edges.keys()) {
    const onPath = new Map<string, number>();
    const chain: string[] = [];
    let at: string | undefined = start;
    while (at !== undefined && !length.has(at) && !onPath.has(at)) {
      onPath.set(at, chain.length);
      chain.push(at);
      at = edges.get(at)?.target;
    }
    if (at !== undefined && onPath.has(at)) {
      const cycle = chain.slice(onPath.get(at));
      const first = cycle.reduce((a, b) => (a < b ? a : b));
      const from = cycle.indexOf(first);
      const rotated = [...cycle.slice(from), ...cycle.slice(0, from), first];
      problems.push({
        path: edges.get(first)!.path,
        message: `CNAME loop ${rotated.join(" → ")}: resolvers answer SERVFAIL for every name in it. Point ${first} at a name with an address record`,
      });
      for (const name of chain) length.set(name, Number.POSITIVE_INFINITY);
      continue;
    }
    let hops = at === undefined ? 0 : length.get(at)!;
    for (let i = chain.length - 1; i >= 0; i--) length.set(chain[i], edges.has(chain[i]) ? ++hops : hops);
  }
  const targets = new Set([...edges.values()].map((e) => e.target));
  for (const [name, hops] of length) {
    // Report at the head of each over-long chain only: a name no other CNAME points at.
    if (!Number.isFinite(hops) || hops <= input.maxCnameChainLength || targets.has(name)) continue;
    const raise =
      input.maxCnameChainLength < maxCnameChainLimit
        ? `, or raise edge:dns.maxCnameChainLength (at most ${maxCnameChainLimit})`
        : ` (${maxCnameChainLimit} is the longest chain edge:dns.maxCnameChainLength allows)`;
    problems.push({
      path: edges.get(name)!.path,
      message: `${name} goes through ${hops} CNAMEs, above edge:dns.maxCnameChainLength ${input.maxCnameChainLength}: each hop is a record more in every answer (incident 001). Point ${name} nearer the end of the chain${raise}`,
    });
  }
  return problems;
}

/** Every problem of the zone, each at the path of the entry to change. */
export function zoneProblems(input: ZoneRulesInput): ZoneProblem[] {
  return [...recordProblems(input), ...nameProblems(input), ...cnameChainProblems(input)];
}
