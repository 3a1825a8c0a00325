/**
 * The registrar's side of the zones: what the first deploy must wait for, and what a person does
 * at the registrar before the full edge can be deployed.
 *
 * A new Route 53 zone answers nothing the world asks until the parent zone (the TLD's servers,
 * reached through the registrar) delegates to it. ACM validates a certificate through a record in
 * that zone, so until the delegation is in place `CertificateValidation` waits out its timeout and
 * every listener, distribution and record behind it fails. The first deploy therefore runs in two
 * phases: `pending` creates the delegation set and the zones only; `delegated` builds the edge.
 *
 * Pure module: the program, the plan and the tests share it.
 */

/** `pending`: only the zones exist, the registrar is not yet pointed at them. `delegated`: the full edge. */
export const delegationPhases = ["pending", "delegated"] as const;
export type DelegationPhase = (typeof delegationPhases)[number];

/**
 * Cloudflare's zone plans. Only on `free` is a zone that stays pending deleted (after 28 days):
 * https://developers.cloudflare.com/dns/zone-setups/reference/domain-status/ ("Pending").
 */
export const cloudflarePlans = ["free", "pro", "business", "enterprise"] as const;

/**
 * How long resolvers may keep the parent's old NS set after the registrar changes it: the `.com`
 * and `.net` delegations carry 172,800 s (48 h). Other TLDs differ; `dig` shows the real TTL.
 */
export const parentNsTtlSeconds = 172_800;

/** The zone one label up, whose servers hold the delegation (`example.co.uk` → `co.uk`). */
export function parentZone(domain: string): string {
  const labels = domain.replace(/\.$/, "").split(".");
  return labels.length > 1 ? labels.slice(1).join(".") : ".";
}

export interface DelegationFacts {
  domain: string;
  phase: DelegationPhase;
  /** The name servers the registrar must list (both providers' in active-active). */
  registrarNameServers: string[];
  /** True when the Route 53 zone was adopted rather than created (its name servers are its own). */
  adoptedZone: boolean;
}

/**
 * The steps a person takes at the registrar, with the commands that prove each done. The same
 * lines are printed by the plan and written to the stack output `delegationSteps`.
 */
export function delegationSteps(facts: DelegationFacts): string[] {
  const parent = parentZone(facts.domain);
  const servers = facts.registrarNameServers.join(" ");
  const lines = [
    ...(facts.adoptedZone ? [`The adopted Route 53 zone keeps its own name servers: if the registrar already lists them, only the check below is left.`] : []),
    `At the registrar of ${facts.domain}, set exactly these name servers (\`pulumi stack output registrarNameServers\`): ${servers}`,
    `Check the parent's delegation (not a resolver's cache): \`dig +norec NS ${facts.domain} @$(dig +short NS ${parent} | head -1)\` lists those servers in its AUTHORITY section.`,
    `Check each server answers for the zone: \`for ns in ${servers}; do dig +norec +short SOA ${facts.domain} @$ns; done\` prints one SOA per server.`,
    `Resolvers may keep the previous delegation for the parent's NS TTL (${parentNsTtlSeconds} s = ${parentNsTtlSeconds / 3600} h for .com; \`dig +norec NS ${facts.domain} @<parent server>\` shows it).`,
  ];
  if (facts.phase === "pending") {
    lines.push("Then set `edge:dns.delegation: delegated` and run `pulumi up` again: certificates validate through the delegated zone and the edge is built.");
  }
  return lines;
}
