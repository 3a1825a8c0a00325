/**
 * Why a DNS name is not one, in the numbers that decide it: which label, its length against the
 * 63 a label holds and the name's against the 253 a name holds (RFC 1035 §2.3.4), the character
 * that does not belong, and for a name that is not ASCII the punycode (IDNA) to write instead. The
 * schema's name fields and the zone rules' host names (CNAME, MX and SRV targets) say it alike.
 *
 * Pure module: no Pulumi imports.
 */
import { domainToASCII } from "node:url";

/** Longest label, in characters (octets), of a DNS name. */
export const maxLabelLength = 63;
/** Longest name in presentation format without the trailing dot: 255 octets on the wire. */
export const maxNameLength = 253;

export interface NameRules {
  /** Characters a label may hold besides a-z, 0-9 and '-': `_` in service names (`_dmarc`). */
  underscore: boolean;
  /** Upper-case letters are accepted (host names in record values, which DNS compares case-insensitively). */
  upperCase: boolean;
  /** A `*` label is accepted (a wildcard). */
  wildcard: boolean;
}

const ordinal = (i: number, n: number) => (n === 1 ? "the label" : `label ${i + 1} of ${n}`);
const shown = (label: string) => (label.length > 24 ? `${JSON.stringify(label.slice(0, 20))}…` : JSON.stringify(label));

/** The punycode form of a name (each label through IDNA), or undefined when it has none. */
export function punycodeOf(name: string): string | undefined {
  const labels = name.split(".").map((label) => (/^[\x00-\x7f]*$/.test(label) ? label.toLowerCase() : domainToASCII(label)));
  return labels.every((l) => l !== "") ? labels.join(".") : undefined;
}

/** Why `name` is not a DNS name under `rules`, naming the label, the numbers and the fix; undefined when it is one. */
export function nameProblem(name: string, rules: NameRules): string | undefined {
  if (name.length === 0) return "is empty";
  if (!/^[\x00-\x7f]*$/.test(name)) {
    const ascii = punycodeOf(name);
    return `${JSON.stringify(name)} is not ASCII: DNS names carry internationalized labels in punycode (IDNA)${ascii ? `; write ${ascii}` : ", and this one has no punycode form"}`;
  }
  if (name.length > maxNameLength) return `is ${name.length} characters, above the ${maxNameLength} a DNS name holds (255 octets on the wire): shorten it by ${name.length - maxNameLength}`;
  const labels = name.split(".");
  const empty = labels.indexOf("");
  if (empty >= 0) return `${JSON.stringify(name)} has an empty label (two dots together, or a dot at an end)`;
  for (const [i, label] of labels.entries()) {
    if (label.length > maxLabelLength) {
      return `${ordinal(i, labels.length)} (${shown(label)}) is ${label.length} characters, above the ${maxLabelLength} a DNS label holds (RFC 1035 §2.3.4): shorten it by ${label.length - maxLabelLength}`;
    }
    if (label === "*" && rules.wildcard) continue;
    if (!rules.upperCase && /[A-Z]/.test(label)) return `${JSON.stringify(name)} has upper-case letters: write ${name.toLowerCase()}`;
    const allowed = rules.underscore ? /[A-Za-z0-9_-]/ : /[A-Za-z0-9-]/;
    const bad = [...label].find((c) => !allowed.test(c));
    if (bad !== undefined) {
      return `${ordinal(i, labels.length)} (${shown(label)}) holds ${JSON.stringify(bad)}: a label takes a-z, 0-9 and '-'${rules.underscore ? " (and '_' in service names such as _dmarc)" : ""}`;
    }
    if (label.startsWith("-") || label.endsWith("-")) return `${ordinal(i, labels.length)} (${shown(label)}) starts or ends with '-', which a host name label may not`;
  }
  return undefined;
}
