/**
 * Route 53 as a renderer of the neutral record model: the `records` values of an
 * `aws.route53.Record`.
 *
 * Pure module: no Pulumi imports.
 */
import { txtStrings } from "./record";

/**
 * A neutral value as a Route 53 record value. A TXT value goes as its character-strings of at most
 * 255 bytes joined by `""`: the provider wraps the value in quotes, so Route 53 receives
 * `"first""second"` (aws_route53_record docs: "To specify a single record value longer than 255
 * characters such as a TXT record for DKIM, add \"\" inside the configuration string"); Route 53
 * refuses a longer string.
 */
export function recordValueToRoute53(type: string, value: string): string {
  if (type !== "TXT") return value;
  return txtStrings(value)
    .map((s) => s.replace(/\\/g, "\\\\").replace(/"/g, '\\"'))
    .join('""');
}
