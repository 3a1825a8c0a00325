/**
 * The host fleets of a planned VPC: each Auto Scaling group with a subnet in it, read through its
 * launch template (security groups, public address, instance profile's role with its policy
 * documents, declared network needs).
 *
 * Pure module: no Pulumi imports.
 */
import { tagMap } from "../capacity/declared";
import { resourceTypes } from "../resourceTypes";
import { readNetworkNeeds } from "./needs";
import { HostFleetNetwork, NetworkResource, RoleDocument, SecurityGroup, Subnet } from "./networkTypes";
import { asString, Index } from "./planIndex";
import { knownManagedPolicies, readStatements } from "./policyDocuments";

/** The fleets with a subnet among `subnets`. */
export function readFleets(index: Index, subnets: Subnet[], groups: Map<string, SecurityGroup>): HostFleetNetwork[] {
  const out: HostFleetNetwork[] = [];
  for (const asg of index.ofType(resourceTypes.autoscalingGroup)) {
    const fleetSubnets = index
      .refs(asg, "vpcZoneIdentifiers", resourceTypes.ec2Subnet)
      .map((s) => s.urn)
      .filter((urn) => subnets.some((s) => s.urn === urn));
    if (fleetSubnets.length === 0) continue;
    const template = index.ref(asg, "launchTemplate", resourceTypes.ec2LaunchTemplate);
    if (!template) continue;
    const lt = template.props;
    const nic = (lt.networkInterfaces ?? [])[0] ?? {};
    const groupRefs = [...index.refs(template, "networkInterfaces"), ...index.refs(template, "vpcSecurityGroupIds")].filter((r) => groups.has(r.urn)).map((r) => r.urn);
    const profile = index.ref(template, "iamInstanceProfile", resourceTypes.iamInstanceProfile);
    const role = profile ? index.ref(profile, "role", resourceTypes.iamRole) : undefined;
    out.push({
      urn: asg.urn,
      name: asg.name,
      launchTemplate: template.urn,
      groups: [...new Set(groupRefs)],
      subnets: fleetSubnets,
      targetGroups: index.refs(asg, "targetGroupArns", resourceTypes.lbTargetGroup).map((t) => t.urn),
      publicAddress: String(nic.associatePublicIpAddress) === "true",
      role: role ? { urn: role.urn, name: role.name, documents: roleDocuments(index, role) } : undefined,
      needs: readNetworkNeeds(tagMap(lt.tags), String(template.props.region ?? "")),
    });
  }
  return out;
}

function roleDocuments(index: Index, role: NetworkResource): RoleDocument[] {
  const docs: RoleDocument[] = [];
  const managed = (urn: string, arn: string) => {
    const known = knownManagedPolicies[arn];
    docs.push({ urn, label: `managed policy ${arn}`, statements: known ? readStatements(known) : `is an AWS or customer managed policy whose statements the model does not know (${arn})` });
  };
  (role.props.inlinePolicies ?? []).forEach((p: Record<string, unknown>, i: number) =>
    docs.push({ urn: role.urn, label: `role ${role.name} inline policy ${String(p.name ?? i)}`, statements: readStatements(p.policy) }),
  );
  for (const arn of role.props.managedPolicyArns ?? []) managed(role.urn, arn);
  for (const p of index.ofType(resourceTypes.iamRolePolicy))
    if (index.ref(p, "role")?.urn === role.urn) docs.push({ urn: p.urn, label: `role policy ${p.name}`, statements: readStatements(p.props.policy) });
  for (const a of index.ofType(resourceTypes.iamRolePolicyAttachment)) if (index.ref(a, "role")?.urn === role.urn && asString(a.props.policyArn)) managed(a.urn, a.props.policyArn);
  return docs;
}
