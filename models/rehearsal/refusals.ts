/**
 * What the cloud's APIs refuse during an update, as the rehearsal applies it: each rule's error and
 * source, the references that block a delete, the values a create can collide on, and a refusal's
 * message.
 *
 * Pure module: no Pulumi imports.
 */
import { resourceTypes as t } from "../resourceTypes";
import { apiPage } from "../providerSources";
import type { RehearsalStep } from "./updateRehearsal";

export type RefusalKind = "unique-value-held" | "held-by-dependents" | "deletion-protected" | "bucket-not-empty" | "zone-not-empty" | "key-deletion-window";

/** A step the API refuses (or cannot undo), with what it answers and what works instead. */
export interface Refusal {
  kind: RefusalKind;
  step: RehearsalStep;
  /** The API's answer: `InvalidSubnet.Conflict: …`. */
  error: string;
  /** Why, in this update: what holds what. */
  why: string;
  /** Where the API says so. */
  cite: string;
  /** The sequence that works (the runbook step). */
  sequence: string;
  /** `refused`: the update stops at this step. `irreversible`: the step succeeds and cannot be undone once its window has passed. */
  severity: "refused" | "irreversible";
}
/** Each rule the rehearsal applies: the API's error, its source, and the sequence that works. */
export const refusalRules = {
  subnetConflict: {
    error: "InvalidSubnet.Conflict (The CIDR conflicts with another subnet)",
    cite: `${apiPage("ec2/CreateSubnet", "the subnet's CIDR block must not overlap another subnet of the VPC")}; ${apiPage("ec2/errors", "InvalidSubnet.Conflict")}`,
    sequence:
      "Give the subnet a CIDR block no live subnet of the VPC holds: derive each zone's block from its AZ ID (not its position in the list), so a moved zone gets a block of its own and its replacement is created before the old subnet goes; or move a zone in two changes: add the new zone and deploy, then remove the old one.",
  },
  zoneConflict: {
    error: "ConflictingDomainExists (a hosted zone of that name already uses the delegation set)",
    cite: apiPage("route53/CreateHostedZone", "ConflictingDomainExists: two hosted zones of the same name cannot share a delegation set"),
    sequence: "Delete the old zone before its replacement is created (deleteBeforeReplace on the zone, as components/dnsZones.ts declares), and expect the DNS outage the diff calls out.",
  },
  nameConflict: {
    error: "the name is taken",
    cite: "",
    sequence: "Give the new resource a name no live resource holds (the stack's name and the resource's own), or delete the old one in a change of its own first.",
  },
  heldByDependents: {
    error: "",
    cite: "",
    sequence:
      "Let the replacement be created before the old resource is deleted (drop deleteBeforeReplace, and leave the name to the provider so the bridge does not delete first), so what holds it moves to the new one first; or move what holds it off in a change of its own first.",
  },
  deletionProtected: {
    error: "OperationNotPermitted (Load balancer cannot be deleted because deletion protection is enabled)",
    cite: apiPage("elbv2/DeleteLoadBalancer", "a load balancer with deletion protection enabled cannot be deleted"),
    sequence:
      "Take two reviewed changes: first lift the protection of that load balancer only (docs/runbook.md, Removing a region, step 3: aws elbv2 modify-load-balancer-attributes … deletion_protection.enabled=false), then deploy this change.",
  },
  bucketNotEmpty: {
    error: "BucketNotEmpty (The bucket you tried to delete is not empty)",
    cite: `${apiPage("s3/DeleteBucket", "all objects, including every version and delete marker, must be deleted before the bucket")}`,
    sequence:
      "Archive what must outlive the bucket and empty it first, every version included (docs/runbook.md, Removing a region, step 4: aws s3 sync, then aws s3 rm --recursive and the object versions), or keep it (retainOnDelete) in a change deployed before this one.",
  },
  zoneNotEmpty: {
    error: "HostedZoneNotEmpty (The hosted zone contains resource record sets in addition to the default NS and SOA records)",
    cite: apiPage("route53/DeleteHostedZone", "HostedZoneNotEmpty: delete every record but the apex SOA and NS first"),
    sequence:
      "Deploy the zone with forceDestroy: true first (the provider then deletes every record before the zone; components/dnsZones.ts declares it), then this change; or delete the records the stack left in the zone (the certificates' validation CNAMEs) by hand before it.",
  },
  keyDeletionWindow: {
    error: "ScheduleKeyDeletion: the key is disabled at once and destroyed after its waiting period (7 to 30 days); what it encrypted cannot be read after",
    cite: apiPage("kms/ScheduleKeyDeletion", "PendingWindowInDays 7-30; CancelKeyDeletion within the window"),
    sequence:
      "Keep the key: give it retainOnDelete in a change deployed before this one, then schedule its deletion by hand once nothing encrypts with it (aws kms schedule-key-deletion --pending-window-in-days 30; aws kms cancel-key-deletion undoes it within the window).",
  },
} as const;

/**
 * Types the API will not delete while another resource uses them, with its answer, and which
 * inputs of which types are such a use (a dashboard that names a target group does not hold it;
 * a listener that forwards to it does).
 */
export const referencesBlockDelete: Readonly<Record<string, { error: string; cite: string; heldBy: Readonly<Record<string, readonly string[]>> }>> = {
  [t.ec2Subnet]: {
    error: "DependencyViolation (The subnet has dependencies and cannot be deleted)",
    cite: apiPage("ec2/DeleteSubnet", "terminate every instance and delete every network interface in the subnet first"),
    heldBy: {
      [t.lbLoadBalancer]: ["subnetMappings", "subnets"],
      [t.ec2VpcEndpoint]: ["subnetIds"],
      [t.autoscalingGroup]: ["vpcZoneIdentifiers"],
      [t.ec2RouteTableAssociation]: ["subnetId"],
    },
  },
  [t.ec2SecurityGroup]: {
    error: "DependencyViolation (resource has a dependent object)",
    cite: apiPage("ec2/DeleteSecurityGroup", "a group associated with an instance or network interface, or referenced by another group's rule, cannot be deleted"),
    heldBy: {
      [t.lbLoadBalancer]: ["securityGroups"],
      [t.ec2VpcEndpoint]: ["securityGroupIds"],
      [t.vpcSecurityGroupIngressRule]: ["referencedSecurityGroupId"],
      [t.vpcSecurityGroupEgressRule]: ["referencedSecurityGroupId"],
    },
  },
  [t.lbTargetGroup]: {
    error: "ResourceInUse (Target group is currently in use by a listener or a rule)",
    cite: apiPage("elbv2/DeleteTargetGroup", "a target group used by a listener or rule cannot be deleted"),
    heldBy: { [t.lbListener]: ["defaultActions"], [t.albListener]: ["defaultActions"] },
  },
  [t.ec2Vpc]: {
    error: "DependencyViolation (The vpc has dependencies and cannot be deleted)",
    cite: apiPage("ec2/errors", "DependencyViolation"),
    heldBy: {
      [t.ec2Subnet]: ["vpcId"],
      [t.ec2SecurityGroup]: ["vpcId"],
      [t.ec2InternetGateway]: ["vpcId"],
      [t.ec2RouteTable]: ["vpcId"],
      [t.ec2VpcEndpoint]: ["vpcId"],
      [t.lbTargetGroup]: ["vpcId"],
    },
  },
  [t.cloudwatchLogDeliverySource]: {
    error: "ConflictException (a delivery is associated with the delivery source)",
    cite: apiPage("logs/DeleteDeliverySource", "a delivery source with deliveries cannot be deleted"),
    heldBy: { [t.cloudwatchLogDelivery]: ["deliverySourceName"] },
  },
};

/** Inputs of other resources that write objects into a bucket: a bucket they wrote to is not empty. */
export const bucketWriters: Readonly<Record<string, { property: string; what: string }>> = {
  [t.lbLoadBalancer]: { property: "accessLogs", what: "its access logs" },
  [t.ec2FlowLog]: { property: "logDestination", what: "its flow logs" },
  [t.cloudwatchLogDeliveryDestination]: { property: "deliveryDestinationConfiguration", what: "the CDN's access logs" },
  [t.s3BucketObjectv2]: { property: "bucket", what: "its object (and, versioned, every version of it)" },
  [t.s3BucketReplicationConfig]: { property: "rules", what: "replicated objects" },
};

/** Unique values the create of a resource can collide on, beyond names: the value, and the resource its scope is. */
export const scopedValues: Readonly<Record<string, { property: string; scopeProperty: string; rule: "subnetConflict" | "zoneConflict"; overlaps: (a: string, b: string) => boolean }>> = {
  [t.ec2Subnet]: { property: "cidrBlock", scopeProperty: "vpcId", rule: "subnetConflict", overlaps: cidrsOverlap },
  [t.route53Zone]: { property: "name", scopeProperty: "delegationSetId", rule: "zoneConflict", overlaps: (a, b) => a.replace(/\.$/, "").toLowerCase() === b.replace(/\.$/, "").toLowerCase() },
};

/** Whether two IPv4 CIDR blocks share an address. */
export function cidrsOverlap(a: string, b: string): boolean {
  const parse = (cidr: string) => {
    const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(cidr);
    if (!m) return undefined;
    const address = m.slice(1, 5).reduce((n, octet) => n * 256 + Number(octet), 0);
    const prefix = Number(m[5]);
    const size = 2 ** (32 - prefix);
    const start = Math.floor(address / size) * size;
    return { start, end: start + size - 1 };
  };
  const x = parse(a);
  const y = parse(b);
  return !!x && !!y && x.start <= y.end && y.start <= x.end;
}
/** One line a reviewer reads: the step, the API's answer, why, the source and what works. */
export function refusalMessage(r: Refusal): string {
  const verb = r.severity === "refused" ? "the API refuses it" : "it cannot be undone";
  // The resource and what the API answers lead: a one-line summary (the pull request's verdict) keeps them.
  return `${r.step.resource}, ${r.step.op}: ${verb}: ${r.error} (step ${r.step.index} of the update), because ${r.why} (${r.cite}). What works: ${r.sequence}`;
}
