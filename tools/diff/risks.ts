/**
 * The risky changes of a plan diff a reviewer must see first: regions and load balancers removed,
 * TTLs raised, zones replaced, alarms deleted, secrets rotated or in plain text, guards moved, and
 * the zone, outage, network and rehearsal risks their own modules find.
 *
 * Pure module: no Pulumi imports.
 */
import { PropertyChange, secretMask } from "./values";
import { PlanJson, PlanJsonResource } from "../plan/planJson";
import { zoneRecordRisks } from "./zoneRisk";
import { resourceTypes } from "../../models/resourceTypes";
import { replaceRules } from "./replaceRules";
import { outageRisks } from "./outage";
import { boundChangeText, diffGuard, firstSentence, GuardDelta } from "./guardDelta";
import { ResourceChange, Risk, SecretChange } from "./diffTypes";

const loadBalancerTypes = new Set<string>([resourceTypes.lbLoadBalancer, resourceTypes.albLoadBalancer]);
const zoneTypes = new Set<string>([resourceTypes.route53Zone, resourceTypes.cloudflareZone]);
const alarmTypes = new Set<string>([resourceTypes.cloudwatchMetricAlarm, resourceTypes.cloudwatchCompositeAlarm]);
function regionsOf(plan: PlanJson): Set<string> {
  return new Set(plan.resources.map((r) => r.region).filter((r): r is string => !!r));
}

function ttlRaises(change: ResourceChange): Risk[] {
  return change.changes.flatMap((c) => {
    if (c.kind !== "update" || !/(^|\.)ttl$/i.test(c.path)) return [];
    if (typeof c.before !== "number" || typeof c.after !== "number" || c.after <= c.before) return [];
    return [
      {
        kind: "ttl-raised" as const,
        urn: change.urn,
        cause: `TTL raised ${c.before} s → ${c.after} s (resolvers keep the old answer that long after a failover; incident 000's one-day TTL left no way to move traffic)`,
        member: `${change.type} ${change.name}`,
        message: `TTL raised on ${change.type} ${change.name}: ${c.before} s → ${c.after} s (resolvers keep the old answer that long after a failover; incident 000's one-day TTL left no way to move traffic)`,
      },
    ];
  });
}

/**
 * What a zone's replacement does to the name servers the registrar lists. A Route 53 zone on a
 * delegation set keeps the set's name servers only while the set stays; a replaced set (its
 * `referenceName` follows the domain) brings new ones, as does a zone without a set and a new
 * Cloudflare zone.
 */
function nameServerEffect(zone: ResourceChange, resources: ResourceChange[], head: PlanJson): string {
  const registrar = "the registrar's NS records (48 h TTL, incident 001) still point at the old ones until they are changed: a DNS outage for resolvers that follow them";
  if (zone.op === "delete") return `its name servers answer nothing for the zone; ${registrar}`;
  if (zone.type !== resourceTypes.route53Zone) return `${replaceRules[zone.type]?.outage ?? "a new zone gets new name servers"}; ${registrar}`;
  const set = head.resources.find((r) => r.type === resourceTypes.route53DelegationSet && (head.resources.find((z) => z.urn === zone.urn)?.dependencies ?? []).includes(r.urn));
  const setChange = set && resources.find((r) => r.urn === set.urn && (r.op === "replace" || r.op === "create"));
  if (!set) return `a zone without a delegation set gets new name servers (known after apply); every record of the old zone is deleted with it; ${registrar}`;
  if (setChange) {
    return (
      `its delegation set ${set.name} is ${setChange.op === "create" ? "new" : `replaced too (${setChange.replaceReasons.join(", ")} changed)`}, so the new zone has NEW name servers (known after apply), ` +
      `and every record of the old zone is deleted with it; ${registrar}`
    );
  }
  return `it stays on delegation set ${set.name}, so it keeps the same name servers, but it answers for the zone only once its records are recreated (every record of the old zone is deleted with it)`;
}

/** A load balancer whose subnet mappings carry Elastic IP allocations. */
function isStaticAddressed(plan: PlanJson, urn: string): boolean {
  const mappings = plan.resources.find((r) => r.urn === urn)?.inputs.subnetMappings;
  return Array.isArray(mappings) && mappings.some((m) => m && typeof m === "object" && "allocationId" in m);
}

export function diffSecrets(base: PlanJson, head: PlanJson): SecretChange[] {
  const b = base.secrets?.digests ?? {};
  const h = head.secrets?.digests ?? {};
  const takenBy = (path: string) =>
    head.resources.flatMap((r) =>
      Object.entries(r.secretInputs ?? {})
        .filter(([, sources]) => sources.includes(path))
        .map(([input]) => `${r.type} ${r.name} (${input})`),
    );
  return [...new Set([...Object.keys(b), ...Object.keys(h)])].sort().flatMap((path): SecretChange[] => {
    if (!(path in b)) return [{ path, change: "added", takenBy: takenBy(path) }];
    if (!(path in h)) return [{ path, change: "removed", takenBy: [] }];
    return b[path] === h[path] ? [] : [{ path, change: "rotated", takenBy: takenBy(path) }];
  });
}

/**
 * The secret inputs of a matched resource whose sources' ciphertexts changed while both plans read
 * `[secret]`: an update of the input, so the provider's replace rules apply to it as to any input.
 */
export function rotatedSecretInputs(old: PlanJsonResource, r: PlanJsonResource, base: PlanJson, head: PlanJson, changes: PropertyChange[]): PropertyChange[] {
  const b = base.secrets?.digests ?? {};
  const h = head.secrets?.digests ?? {};
  const inputs = [...new Set([...Object.keys(old.secretInputs ?? {}), ...Object.keys(r.secretInputs ?? {})])];
  return inputs.flatMap((input): PropertyChange[] => {
    if (changes.some((c) => c.path === input || c.path.startsWith(`${input}.`) || c.path.startsWith(`${input}[`))) return [];
    const sources = [...new Set([...(old.secretInputs?.[input] ?? []), ...(r.secretInputs?.[input] ?? [])])];
    const rotated = sources.filter((path) => b[path] !== h[path]);
    if (rotated.length === 0) return [];
    return [{ kind: "update", path: input, before: secretMask, after: secretMask, note: `${rotated.join(", ")} rotated: its ciphertext changed` }];
  });
}

/** A replace forced by a rotated secret: what it replaces and what that does. */
function secretReplaceRisks(resources: ResourceChange[]): Risk[] {
  return resources.flatMap((r) => {
    if (r.op !== "replace" || !r.replace) return [];
    return r.changes.flatMap((c): Risk[] => {
      if (c.kind !== "update" || !c.note || !r.replaceReasons.includes(c.path)) return [];
      const secret = c.note.replace(/ rotated:.*$/, "");
      const cite = r.replace!.citations[r.replaceReasons.indexOf(c.path)];
      const cause = `${secret} rotated: its ${r.type.split(":").pop()}s' ${c.path} takes it, and a changed ${c.path} replaces them (${cite})` + (r.replace!.outage ? `; ${r.replace!.outage}` : "");
      return [{ kind: "secret-replaces", urn: r.urn, message: `${cause}: ${r.name} [${r.region}]`, cause, member: `${r.type} ${r.name} [${r.region}]` }];
    });
  });
}

/** A moved guard: each bound old → new, and what the new ones admit, as one risk per stack. */
function guardRisks(guard: GuardDelta): Risk[] {
  if (guard.changes.length === 0 && guard.admitted.length === 0) return [];
  const admits = !guard.judged
    ? "what it admits was not judged (plan the head with --compare-policy-config <the base's config>)"
    : guard.admitted.length === 0
      ? "nothing in this stack's plan passes now that was refused before; a later change can use the room"
      : `would now accept: ${guard.admitted.map((a) => firstSentence(a.message)).join("; ")}`;
  const moved = guard.changes.length > 0 ? `policy config moved: ${guard.changes.map(boundChangeText).join(", ")}` : "the policy pack's code changed";
  return [{ kind: "guard-moved", message: `${moved}; ${admits}` }];
}

/** Plain-text values where a secret belongs, at the head: they are in git for anyone with read access. */
function plaintextSecretRisks(head: PlanJson): Risk[] {
  return (head.secrets?.plaintext ?? []).map((path) => ({
    kind: "secret-in-plain-text" as const,
    message: `${path} is in plain text in the stack file where a secret belongs: anyone who can read the repository has it. Set it with \`pulumi config set --secret --path '${path}' <value>\` and rotate the old value`,
  }));
}

/** Risky changes, most severe first. */
export function findRisks(base: PlanJson, head: PlanJson, resources: ResourceChange[], guard: GuardDelta = diffGuard(base, head)): Risk[] {
  const risks: Risk[] = [...outageRisks(head, resources)];
  const headRegions = regionsOf(head);
  for (const region of [...regionsOf(base)].sort()) {
    if (headRegions.has(region)) continue;
    const lost = resources.filter((r) => r.op === "delete" && r.region === region && r.custom).length;
    risks.push({ kind: "region-removed", message: `region ${region} removed: ${lost} resources deleted there; its traffic moves to the remaining regions (check their capacity headroom)` });
  }
  for (const r of resources) {
    if (r.op !== "delete" && r.op !== "replace") continue;
    const how = r.replace ? `, ${r.replace.mode}${r.replace.outage ? `: ${r.replace.outage}` : ""}` : "";
    const verb = r.op === "delete" ? "deleted" : `replaced (${r.replaceReasons.join(", ")} changed${how})`;
    // A replaced load balancer that keeps its Elastic IPs stops its region serving: `outage.ts` says so, once per change.
    if (r.type === resourceTypes.lbLoadBalancer && r.op === "replace" && isStaticAddressed(head, r.urn)) {
      continue;
    } else if (loadBalancerTypes.has(r.type)) {
      risks.push({
        kind: "load-balancer-replaced",
        urn: r.urn,
        message: `load balancer ${r.name} [${r.region}] ${verb}: its addresses change, DNS answers cached up to their TTL point at nothing`,
        cause: `load balancers ${verb}: their addresses change, DNS answers cached up to their TTL point at nothing`,
        member: `${r.name} [${r.region}]`,
      });
    } else if (r.type === resourceTypes.ec2SecurityGroup && r.op === "replace") {
      const templates = head.resources.filter((h) => h.type === resourceTypes.ec2LaunchTemplate && (h.dependencies ?? []).includes(r.urn));
      if (templates.length > 0) {
        risks.push({
          kind: "in-use-group-replaced",
          urn: r.urn,
          message:
            `security group ${r.name} [${r.region}] ${verb}, and the hosts of ${templates.map((t) => t.name).join(", ")} use it: ` +
            `EC2 refuses to delete a group while a network interface is in it (DependencyViolation), so the old group's deletion, the update's last step, fails until the instance refresh has replaced every host launched with it. ` +
            `Change only the rules (they update in place), or give the group a new name and remove the old one in a later change`,
        });
      }
    } else if (zoneTypes.has(r.type)) {
      risks.push({
        kind: "zone-replaced",
        urn: r.urn,
        message: `DNS zone ${r.name} ${r.op === "delete" ? "deleted" : `replaced (${r.replaceReasons.join(", ")} changed, ${r.replace?.mode})`}: ${nameServerEffect(r, resources, head)}`,
      });
    }
  }
  risks.push(...zoneRecordRisks(base, head));
  for (const r of resources) if (r.op === "update" || r.op === "replace") risks.push(...ttlRaises(r));
  for (const r of resources) {
    if (r.op === "delete" && alarmTypes.has(r.type)) {
      risks.push({
        kind: "alarm-removed",
        urn: r.urn,
        message: `alarm ${r.name} [${r.region}] removed: nobody is warned of what it watched (incident 000: thresholds had fallen by the wayside)`,
        cause: `alarms removed in ${r.region}: nobody is warned of what they watched (incident 000: thresholds had fallen by the wayside)`,
        member: r.name,
      });
    }
  }
  risks.push(...secretReplaceRisks(resources));
  risks.push(...guardRisks(guard));
  risks.push(...plaintextSecretRisks(head));
  return risks;
}
