/**
 * The records every zone of the edge publishes for its own safety, in both providers:
 *
 * - CAA (RFC 8659): only the certificate authorities the stack uses may issue for the domain. Every
 *   certificate of the stack is an ACM certificate, and ACM issues only where a CAA set names one
 *   of Amazon's four CA domains ("amazon.com", "amazontrust.com", "awstrust.com",
 *   "amazonaws.com"; AWS Certificate Manager User Guide, "(Optional) Configure a CAA record",
 *   https://docs.aws.amazon.com/acm/latest/userguide/setup-caa.html). The stack holds no wildcard
 *   certificate, so `issuewild ";"` lets no CA issue one. An `iodef` (where CAs report refused
 *   requests) when configured; ACM itself ignores iodef.
 * - Mail: a domain that sends no mail says so, so nobody can send as it: DMARC `p=reject` at
 *   `_dmarc` (RFC 7489 §6.3), a null MX `0 .` (RFC 7505: the domain accepts no mail) and SPF
 *   `v=spf1 -all` (RFC 7208: no host may send as it). A domain that sends mail declares its own MX
 *   and SPF records in `edge:dns.records`; its DMARC record is still published from here.
 *   Cloudflare holds the null MX as content `.` with priority 0 (`recordValueToCloudflare`; the
 *   form the public module vojtechmares/terraform-cloudflare-no-mail publishes), Route 53 as the
 *   value `0 .`; neither API was called from here (no cloud account in this environment).
 *
 * The records merge into the declared ones: a declared record set of the same name and type keeps
 * its entry and gains the values it lacks, so a stack that already declares `v=spf1 -all` at the
 * apex publishes it once. The zone rules then check what results (one SPF record, a null MX alone).
 *
 * Pure module: no Pulumi imports.
 */
import { declaredRecords, DeclaredRecord, recordKey, ZoneConfig } from "./record";
import type { ZoneProblem } from "./zoneRules";

/** ACM's CA domains, in the order the ACM user guide lists them. */
export const amazonCaDomains = ["amazon.com", "amazontrust.com", "awstrust.com", "amazonaws.com"] as const;

/** TTL of the hygiene records, in seconds: they change only with the stack's certificate authority or its mail. */
export const hygieneTtlSeconds = 3600;

/** The name DMARC policies are published at (RFC 7489 §6.1). */
export const dmarcName = "_dmarc";

/** The null MX of a domain that accepts no mail (RFC 7505 §3). */
export const nullMx = "0 .";

/** The SPF policy of a domain from which no host sends mail (RFC 7208 §5.1, `-all`). */
export const noMailSpf = "v=spf1 -all";

export type DmarcPolicy = "reject" | "quarantine";

/** What the hygiene records read from the stack config: the schema's parsed `dns.mail` and `dns.caa`. */
export interface HygieneConfig {
  dns: {
    mail: {
      /** Whether any host sends mail as the domain. */
      sends: boolean;
      dmarc: {
        policy: DmarcPolicy;
        /** Where aggregate reports go (`mailto:` URI); absent sends none. */
        reportUri?: string;
      };
    };
    caa: {
      /** Where CAs report refused requests (`mailto:` or `https://`); absent publishes no iodef. */
      iodef?: string;
    };
  };
}

/** The DMARC record's value: `v=DMARC1; p=reject` and the report address when configured. */
export function dmarcValue(dmarc: HygieneConfig["dns"]["mail"]["dmarc"]): string {
  return [`v=DMARC1`, `p=${dmarc.policy}`, ...(dmarc.reportUri ? [`rua=${dmarc.reportUri}`] : [])].join("; ");
}

/** The CAA values of the apex: Amazon's CAs may issue, no CA may issue wildcards, iodef when configured. */
export function caaValues(caa: HygieneConfig["dns"]["caa"]): string[] {
  return [...amazonCaDomains.map((ca) => `0 issue "${ca}"`), `0 issuewild ";"`, ...(caa.iodef ? [`0 iodef "${caa.iodef}"`] : [])];
}

/** The hygiene records of the zone, before they merge with the declared ones. */
export function hygieneRecords(config: HygieneConfig): DeclaredRecord[] {
  const { mail, caa } = config.dns;
  const at = (key: "mail" | "caa", extra: (string | number)[] = []) => ({ path: ["dns", key, ...extra], valuesKey: "values" as const });
  const records: DeclaredRecord[] = [
    { name: "@", type: "CAA", ttl: hygieneTtlSeconds, values: caaValues(caa), ...at("caa") },
    { name: dmarcName, type: "TXT", ttl: hygieneTtlSeconds, values: [dmarcValue(mail.dmarc)], ...at("mail", ["dmarc"]) },
  ];
  if (!mail.sends) {
    records.push(
      { name: "@", type: "MX", ttl: hygieneTtlSeconds, values: [nullMx], ...at("mail", ["sends"]) },
      { name: "@", type: "TXT", ttl: hygieneTtlSeconds, values: [noMailSpf], ...at("mail", ["sends"]) },
    );
  }
  return records;
}

/**
 * The declared records with the hygiene records merged in: a hygiene record whose name and type are
 * declared adds the values that entry lacks (its TTL and path stay the entry's); the others follow.
 */
export function withHygiene(declared: DeclaredRecord[], config: HygieneConfig): DeclaredRecord[] {
  const merged = declared.map((r) => ({ ...r, values: [...r.values] }));
  const byKey = new Map(merged.map((r) => [recordKey(r), r]));
  for (const record of hygieneRecords(config)) {
    const entry = byKey.get(recordKey(record));
    if (!entry) merged.push(record);
    else for (const value of record.values) if (!entry.values.includes(value)) entry.values.push(value);
  }
  return merged;
}

/** The records a zone serves from the config: the declared ones and the hygiene records, merged. */
export function zoneRecords(config: ZoneConfig & HygieneConfig): DeclaredRecord[] {
  return withHygiene(declaredRecords(config), config);
}

/** A DMARC policy weaker than `reject` for a domain that sends no mail: nothing legitimate can fail it. */
export function hygieneProblems(config: HygieneConfig): ZoneProblem[] {
  const { sends, dmarc } = config.dns.mail;
  if (sends || dmarc.policy === "reject") return [];
  return [
    {
      path: ["dns", "mail", "dmarc", "policy"],
      message: `${dmarc.policy} for a domain that sends no mail (edge:dns.mail.sends false): no legitimate mail can fail DMARC, so anything weaker than reject only lets forged mail through; set reject, or set edge:dns.mail.sends to true`,
    },
  ];
}
