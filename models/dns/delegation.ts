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

/** What the scheduled DNS status check observed (tools/dnsStatus). */
export interface ObservedDelegation {
  /** Cloudflare's `status` of the zone: active, pending, initializing, moved, deleted, deactivated. */
  cloudflareStatus: string;
  /** Cloudflare's plan id of the zone (`free`, `pro`, …). */
  cloudflarePlan: string;
  /** The name servers Cloudflare assigns the zone now. */
  cloudflareNameServers: string[];
  /** The NS set the parent zone's server delegates to. */
  parentNameServers: string[];
}

export interface ExpectedDelegation {
  domain: string;
  mode: "hot-standby" | "active-active";
  /** The name servers the stack recorded for Cloudflare (`secondaryNameServers`). */
  secondaryNameServers: string[];
  /** The name servers the stack says the registrar lists (`registrarNameServers`). */
  registrarNameServers: string[];
}

const sameSet = (a: string[], b: string[]) => {
  const norm = (xs: string[]) => [...new Set(xs.map((x) => x.toLowerCase().replace(/\.$/, "")))].sort().join(" ");
  return norm(a) === norm(b);
};

/**
 * Every problem that would make a DNS failover point at the wrong servers, each with its fix; none
 * when the delegation and the standby are as the stack expects. Incident 001: the switch to the
 * secondary is only as good as the secondary's name servers on the day it is needed.
 */
export function delegationProblems(expected: ExpectedDelegation, observed: ObservedDelegation): string[] {
  const problems: string[] = [];
  const { cloudflareStatus: status, cloudflarePlan: plan } = observed;
  if (expected.mode === "active-active" && status !== "active") {
    problems.push(
      `Cloudflare zone ${expected.domain} is ${status}, not active, although the registrar should list its name servers (active-active): check the registrar against \`pulumi stack output registrarNameServers\`; a free zone left pending is deleted after 28 days.`,
    );
  }
  if (expected.mode === "hot-standby" && status !== "pending" && status !== "active") {
    problems.push(`Cloudflare standby zone ${expected.domain} is ${status}: it no longer serves the records; run \`pulumi up\` to recreate it and update the runbook's name servers.`);
  }
  if (expected.mode === "hot-standby" && status === "pending" && plan === "free") {
    problems.push(
      `Cloudflare standby zone ${expected.domain} is pending on the free plan: Cloudflare deletes it after 28 days and a new zone gets new name servers. Move it to a paid plan or run active-active.`,
    );
  }
  if (!sameSet(observed.cloudflareNameServers, expected.secondaryNameServers)) {
    problems.push(
      `Cloudflare now assigns ${observed.cloudflareNameServers.join(" ")} to ${expected.domain}, not the recorded ${expected.secondaryNameServers.join(" ")}: the zone was made again. Run \`pulumi refresh\`, then set the new servers at the registrar (active-active) or in the failover runbook (hot-standby).`,
    );
  }
  if (!sameSet(observed.parentNameServers, expected.registrarNameServers)) {
    problems.push(
      `The parent delegates ${expected.domain} to ${observed.parentNameServers.join(" ") || "nothing"}, not to ${expected.registrarNameServers.join(" ")} (${expected.mode}): set the registrar's list to \`pulumi stack output registrarNameServers\`.`,
    );
  }
  return problems;
}
