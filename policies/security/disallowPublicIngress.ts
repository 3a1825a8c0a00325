/**
 * disallow-public-ingress — mandatory. Security baseline; no post-mortem of its own.
 *
 * No security group admits the whole internet (0.0.0.0/0 or ::/0) except on the load balancer's
 * listener ports: the network load balancer keeps client addresses, so the hosts' group must admit
 * the world on the listener port (TCP), and on nothing else. SSH (22) and RDP (3389) are never open to
 * the world, whatever the config says. Judged on the three ways to write a rule: inline `ingress`
 * on `aws.ec2.SecurityGroup`, `aws.ec2.SecurityGroupRule` of type `ingress`, and
 * `aws.vpc.SecurityGroupIngressRule`. ICMP is not judged (its "ports" are type and code, and path
 * MTU discovery needs it).
 *
 * Config: `allowedPublicPorts` (default `[443]`), the listener ports.
 *
 * Controls: policies/metadata.ts, per port the refused range holds (SSH, RDP, port 80, a port the
 * catalogs do not authorize) and for every protocol; each catalog rule the range fails is cited.
 */
import * as aws from "@pulumi/aws";
import { ResourceValidationPolicy } from "@pulumi/policy";
import { cite } from "../metadata";
import { ofType, validateResourceOfTypes } from "../resourceTypes";

const name = "disallow-public-ingress";

export const publicCidrs: ReadonlySet<string> = new Set(["0.0.0.0/0", "::/0"]);

/** Remote administration ports that are never open to the world. */
export const neverPublicPorts: readonly number[] = [22, 3389];

export const defaultAllowedPublicPorts: readonly number[] = [443];

/**
 * The TCP ports the catalog's authorized-ports rule accepts from the world by default (its
 * `authorizedTcpPorts`, 80 and 443; no UDP port): a refused range cites it only when it opens
 * another port, or any UDP port. The catalogs' per-port rules (22, 3389, 80) fail any range that
 * holds their port, and their every-port rules only the all-protocols rule. Defaults read in the
 * Security Hub reference (docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-18:
 * authorizedTcpPorts defaults to 80, 443; authorizedUdpPorts has no default) and the Config rule it runs
 * (docs.aws.amazon.com/config/latest/developerguide/vpc-sg-open-only-to-authorized-ports.html).
 */
const catalogAuthorizedTcpPorts: ReadonlySet<number> = new Set([80, 443]);

/** The checks of policies/metadata.ts that a world-open range `lo`–`hi` of `protocol` fails. */
function rangeChecks(protocol: string, lo: number, hi: number): string[] {
  const holds = (port: number) => lo <= port && port <= hi;
  const checks: string[] = neverPublicPorts.filter(holds).map((p) => (p === 22 ? "adminPort22" : "adminPort3389"));
  if (protocol === "udp" || protocol === "17" || portsOutside(lo, hi, catalogAuthorizedTcpPorts).count > 0) checks.push("otherPort");
  if (holds(80)) checks.push("port80");
  return checks;
}

export interface IngressSubject {
  /** e.g. `security group ingest-sg ingress[0]`. */
  what: string;
  /** `tcp`, `udp`, `icmp`, `-1`/`all`, or a protocol number. */
  protocol: string;
  fromPort?: number;
  toPort?: number;
  sources: string[];
}

const allProtocols = new Set(["-1", "all"]);
const portProtocols = new Set(["tcp", "udp", "6", "17"]);

/** Ports of `[from, to]` outside `allowed`, counted, with the first few named. */
function portsOutside(from: number, to: number, allowed: ReadonlySet<number>): { count: number; first: number[] } {
  let count = 0;
  const first: number[] = [];
  for (let port = from; port <= to; port++) {
    if (allowed.has(port)) continue;
    count++;
    if (first.length < 3) first.push(port);
  }
  return { count, first };
}

/** The violation for one ingress rule, or undefined. */
export function judgeIngress(rule: IngressSubject, allowedPorts: readonly number[]): string | undefined {
  const open = rule.sources.filter((s) => publicCidrs.has(s));
  if (open.length === 0) return undefined;
  const protocol = String(rule.protocol).toLowerCase();
  const allowed = new Set(allowedPorts.filter((p) => !neverPublicPorts.includes(p)));
  const listed = `[${[...allowed].join(", ")}]`;
  const fix = `Narrow the rule to the load balancer's listener ports ${listed} or admit only the VPC's or the load balancer's addresses.`;
  const from = `from ${open.join(" and ")}`;
  if (allProtocols.has(protocol)) {
    return `${rule.what} admits every protocol and port ${from}; the world may reach only ports ${listed}. ${fix} ${cite(name, "everyPort", ...rangeChecks(protocol, 0, 65535))}`;
  }
  if (!portProtocols.has(protocol)) return undefined;
  const lo = Math.max(0, rule.fromPort ?? 0);
  const hi = Math.min(65535, rule.toPort ?? 65535);
  if (protocol === "udp" || protocol === "17") {
    return `${rule.what} opens ${protocol} ${lo}-${hi} ${from}; the listeners take TCP only, so no UDP port is open to the world. ${fix} ${cite(name, ...rangeChecks(protocol, lo, hi))}`;
  }
  const admin = neverPublicPorts.filter((p) => p >= lo && p <= hi);
  if (admin.length > 0) {
    return `${rule.what} opens ${protocol} ${lo}-${hi} ${from}, including remote administration port ${admin.join(", ")}, which is never public. ${fix} ${cite(name, ...rangeChecks(protocol, lo, hi))}`;
  }
  const outside = portsOutside(lo, hi, allowed);
  if (outside.count === 0) return undefined;
  const which = outside.count <= 3 ? outside.first.join(", ") : `${outside.first.join(", ")}, …`;
  return `${rule.what} opens ${protocol} ${lo}-${hi} ${from}: ${outside.count} port(s) (${which}) beyond the listener ports ${listed}. ${fix} ${cite(name, ...rangeChecks(protocol, lo, hi))}`;
}

/** A rule's CIDR property (one string or a list) as a list. */
export function cidrList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : typeof value === "string" ? [value] : [];
}

function allowedPublicPorts(config: { allowedPublicPorts?: unknown }): readonly number[] {
  const ports = config.allowedPublicPorts;
  return Array.isArray(ports) && ports.every((p) => Number.isInteger(p)) ? (ports as number[]) : defaultAllowedPublicPorts;
}

export const disallowPublicIngress: ResourceValidationPolicy = {
  name,
  description: "Security groups admit 0.0.0.0/0 and ::/0 only on the load balancer's TCP listener ports; never SSH or RDP, never UDP.",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      allowedPublicPorts: {
        type: "array",
        items: { type: "integer", minimum: 1, maximum: 65535 },
        default: [...defaultAllowedPublicPorts],
        description: "Ports the world may reach: the load balancer's listener ports. 22 and 3389 are refused even when listed.",
      },
    },
  },
  validateResource: validateResourceOfTypes(
    ofType(aws.ec2.SecurityGroup, (group, args, reportViolation) => {
      const ports = allowedPublicPorts(args.getConfig());
      (group.ingress ?? []).forEach((rule, i) => {
        const message = judgeIngress(
          {
            what: `security group ${group.name ?? args.name} ingress[${i}]`,
            protocol: rule.protocol,
            fromPort: rule.fromPort,
            toPort: rule.toPort,
            sources: [...cidrList(rule.cidrBlocks), ...cidrList(rule.ipv6CidrBlocks)],
          },
          ports,
        );
        if (message) reportViolation(message);
      });
    }),
    ofType(aws.ec2.SecurityGroupRule, (rule, args, reportViolation) => {
      if (rule.type !== "ingress") return;
      const message = judgeIngress(
        {
          what: `security group rule ${args.name}`,
          protocol: rule.protocol,
          fromPort: rule.fromPort,
          toPort: rule.toPort,
          sources: [...cidrList(rule.cidrBlocks), ...cidrList(rule.ipv6CidrBlocks)],
        },
        allowedPublicPorts(args.getConfig()),
      );
      if (message) reportViolation(message);
    }),
    ofType(aws.vpc.SecurityGroupIngressRule, (rule, args, reportViolation) => {
      const message = judgeIngress(
        {
          what: `security group ingress rule ${args.name}`,
          protocol: rule.ipProtocol,
          fromPort: rule.fromPort,
          toPort: rule.toPort,
          sources: [...cidrList(rule.cidrIpv4), ...cidrList(rule.cidrIpv6)],
        },
        allowedPublicPorts(args.getConfig()),
      );
      if (message) reportViolation(message);
    }),
  ),
};
