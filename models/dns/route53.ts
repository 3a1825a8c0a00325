/**
 * Route 53 as a renderer of the neutral record model, both directions: the `records` values of an
 * `aws.route53.Record`, and those values read back as neutral values.
 *
 * Pure module: no Pulumi imports.
 */
import { decodeCharacterString, escapeCharacterString, normalizeValue, quoteTxtStrings, txtStrings } from "./record";

/**
 * A neutral value as a Route 53 record value. A TXT value goes as its character-strings of at most
 * 255 bytes joined by `""`: the provider wraps the value in quotes, so Route 53 receives
 * `"first""second"` (aws_route53_record docs: "To specify a single record value longer than 255
 * characters such as a TXT record for DKIM, add \"\" inside the configuration string"; the provider's
 * `flattenTxtEntry` adds the outer quotes); Route 53 refuses a longer string. Inside a string, `"`
 * and `\` go behind a backslash and every byte from 000 to 037 and from 177 to 377 octal as a
 * three-digit octal escape (Route 53 developer guide, "Supported DNS record types", TXT record
 * type, special characters; last verified 2026-12-08): a raw UTF-8 byte is not what Route 53 reads.
 * The space stays as it is, as in AWS's own TXT and SPF examples (`"v=spf1 ip4:192.168.0.1/16 -all"`).
 */
export function recordValueToRoute53(type: string, value: string): string {
  if (type !== "TXT") return value;
  return txtStrings(value)
    .map((s) => escapeCharacterString(s, 8))
    .join('""');
}

/** A Route 53 record value (as `recordValueToRoute53` writes it) back as the neutral value `compare.ts` compares. */
export function route53ToRecordValue(type: string, value: string): string {
  if (type !== "TXT") return normalizeValue(type, value);
  // The provider wraps the value in quotes: `a""b` is the strings `a` and `b`.
  const strings = [...`"${value}"`.matchAll(/"((?:[^"\\]|\\.)*)"/gs)].map((m) => decodeCharacterString(m[1], 8));
  return strings.length === 1 ? strings[0] : quoteTxtStrings(strings);
}
