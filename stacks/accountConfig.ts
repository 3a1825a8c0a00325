/**
 * The account-wide sections of the stack configuration (`edge:network`, `edge:quotas`,
 * `edge:alarms`): the edge's address space, the account's quotas, who is told when a threshold is
 * crossed.
 *
 * Pure module: no Pulumi imports.
 */
import { z } from "zod";
import { thresholdKeys, thresholdTable, ThresholdKey } from "../models/alarms/thresholds";
import { vpcCidrSchema } from "./networkSchema";
import { defaultAccountQuotas } from "../models/ingestRegion/quotas";
import { route53RecordsPerZone } from "../models/dns/quotas";
import { awsRegion, quota } from "./configFields";

/** An alarm level within its metric's sane range from the threshold table (a percentage within 0-100). */
function thresholdLevel(key: ThresholdKey) {
  const { range, unit } = thresholdTable[key];
  const why = `a level outside ${range.min}-${range.max} ${unit} never fires, or always does (incident 000: thresholds fallen by the wayside)`;
  return z.number().min(range.min, why).max(range.max, why);
}

export const networkConfig = z
  .strictObject({
    baseCidr: z
      .record(awsRegion, vpcCidrSchema)
      .default({})
      .meta({ defaultText: "`10.<position in edge:regions>.0.0/16`" })
      .describe(
        "Each region's VPC block (`us-east-1: 10.32.0.0/16`), /16 to /24; each zone's subnet is the slot of its AZ number. Stacks that share a transit gateway or peer with one datastore network need blocks of their own: the default gives every stack the same ones.",
      ),
  })
  .prefault({})
  .describe("The edge's own address space.");

export const quotasConfig = z
  .strictObject({
    elasticIpsPerRegion: quota.default(defaultAccountQuotas.elasticIpsPerRegion).describe(`Elastic IPs the account may hold per region (EC2 quota L-0263D0A3). The default is AWS's.`),
    networkLoadBalancersPerRegion: quota
      .default(defaultAccountQuotas.networkLoadBalancersPerRegion)
      .describe(`Network load balancers the account may have per region (ELB quota L-69A177A2). The default is AWS's.`),
    route53HealthChecksPerAccount: quota.default(defaultAccountQuotas.route53HealthChecksPerAccount).describe(`Route 53 health checks the account may have. The default is AWS's.`),
    route53RecordsPerZone: quota
      .default(route53RecordsPerZone)
      .describe("Records (record sets) the Route 53 hosted zone may hold, SOA and NS included (`aws route53 get-hosted-zone-limit --type MAX_RRSETS_BY_ZONE`). The default is AWS's."),
    cloudflareRecordsPerZone: quota
      .optional()
      .meta({ defaultText: "by `edge:dns.secondary.plan`: free 200, pro, business and enterprise 3,500" })
      .describe("DNS records the Cloudflare zone may hold, one per value; set it for a zone Cloudflare allows more (a free zone made before 2024-09-01 holds 1,000)."),
  })
  .prefault({})
  .describe("The AWS account's quotas, as Service Quotas shows them: a config that needs more is refused before the deploy stops halfway.");

export const alarmsConfig = z
  .strictObject({
    emails: z
      .array(z.email("expected an email address"))
      .min(1, "expected at least one address: an alarm nobody receives is no alarm (incident 000)")
      .describe("Addresses that receive warning and critical alarms."),
    webhookUrl: z
      .url({ protocol: /^https$/, error: "expected an https:// URL" })
      .optional()
      .meta({ defaultText: "none" })
      .describe("HTTPS endpoint of a pager or chat webhook for critical alarms."),
    thresholds: z
      .strictObject(
        Object.fromEntries(
          thresholdKeys.map((key) => [
            key,
            z
              .strictObject({
                // Where the table has no warning level (swap: any swap is critical), `warning` is an unknown key.
                ...("warning" in thresholdTable[key] ? { warning: thresholdLevel(key).optional().describe(`Warning level in ${thresholdTable[key].unit}.`) } : {}),
                critical: thresholdLevel(key).optional().describe(`Critical level in ${thresholdTable[key].unit}.`),
              })
              .optional()
              .describe(thresholdTable[key].title),
          ]),
        ) as Record<ThresholdKey, z.ZodOptional<z.ZodObject<{ warning: z.ZodOptional<z.ZodNumber>; critical: z.ZodOptional<z.ZodNumber> }>>>,
      )
      .default({})
      .describe(
        "Overrides of alarm thresholds by key (`memoryUsedPercent: { warning: 75 }`); keys, units and defaults in docs/reference/alarms.md. The policy configure-alarm-thresholds judges the result.",
      ),
  })
  .describe("Who is told when a threshold is crossed (incident 000: thresholds had fallen by the wayside).");
