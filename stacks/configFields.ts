/**
 * The field types the stack configuration schema (stacks/schema.ts) is made of: DNS names, regions,
 * CIDR blocks, quotas, TTLs, records, and the maxima that keep every product of them exact.
 *
 * Pure module: no Pulumi imports.
 */
import { z } from "zod";
import { unknownRegionProblem } from "../models/aws/regions";
import { ttlProblem } from "../models/dns/providers";
import { nameProblem } from "../models/dns/names";

/** A DNS name: lowercase labels of at most 63 characters, 253 characters in all; the problem names the label and the numbers. */
export const domainName = z.string().superRefine((name, ctx) => {
  const problem =
    nameProblem(name, { underscore: false, upperCase: false, wildcard: false }) ??
    (name.split(".").length < 2 ? `${JSON.stringify(name)} has one label: a zone is a name under a top-level domain` : undefined);
  if (problem) ctx.addIssue({ code: "custom", message: `expected a lowercase DNS name such as example.com: ${problem}` });
});

/** A name relative to the zone (`api`, `eu.api`, `*.eu`, `_dmarc`), or `@` for the apex. */
export const relativeName = z.string().superRefine((name, ctx) => {
  const problem = name === "@" ? undefined : nameProblem(name, { underscore: true, upperCase: false, wildcard: true });
  if (problem) ctx.addIssue({ code: "custom", message: `expected a name relative to the zone such as \`api\` or \`@\` for the apex: ${problem}` });
});

/** A region code from the AWS region list (models/aws/regions.ts says how to add a new one). */
export const awsRegion = z.string().superRefine((code, ctx) => {
  const problem = unknownRegionProblem(code);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
});

/** An IPv4 network in CIDR notation, e.g. `10.20.0.0/24`. */
export const ipv4Cidr = z
  .string()
  // `abort`: a string that is no CIDR block gets this one message, not the checks that read one too.
  .regex(/^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}\/(3[0-2]|[12]?\d)$/, {
    error: "expected an IPv4 CIDR block such as 10.20.0.0/24",
    abort: true,
  });

/** A quota value: a count the account allows. */
export const quota = z.number().int().min(1);

/**
 * Record TTLs in seconds, within what both providers accept and serve alike (the capability table
 * in models/dns/providers.ts). Incident 000: a one-day TTL made it impossible to move traffic.
 */
export const ttlSeconds = z
  .number()
  .int()
  .superRefine((ttl, ctx) => {
    const problem = ttlProblem(ttl);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });

export const recordTypes = ["A", "AAAA", "CNAME", "TXT", "MX", "CAA", "SRV"] as const;

export const recordSchema = z.strictObject({
  name: relativeName.describe("Name relative to the zone, `@` for the apex."),
  type: z.enum(recordTypes).describe("Record type."),
  ttl: ttlSeconds.optional().meta({ defaultText: "`edge:dns.ttl`" }).describe("TTL in seconds."),
  values: z.array(z.string().min(1)).min(1).describe("Record values (RDATA in presentation format)."),
});

export const maxHostsPerGroup = 1000;
/** nginx connections per worker: a million is past what one host's memory holds in header buffers (incident 000). */
export const maxWorkerConnections = 1_048_576;
/** PostgreSQL's `max_connections` upper bound (MAX_BACKENDS, 2^18 - 1). */
export const postgresMaxConnections = 262_143;

export type RecordConfig = z.output<typeof recordSchema>;
