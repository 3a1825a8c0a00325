/**
 * What the rehearsal takes from the offline plan for each launch template: its user data as EC2
 * would hand it to cloud-init, the metadata options, the endpoints its VPC declares, the host
 * role's policies, the target group's health check and the group's grace period. Everything the
 * stand-ins answer comes from here, so a host boots against what the plan declares and nothing
 * else; its network (addresses, security groups) comes from the reachability model (`network.ts`).
 */
import { ingestEnvPath, readWrittenFile } from "../../models/hostEdge";
import { resourceTypes } from "../../models/resourceTypes";
import type { PlanJson, PlanJsonResource } from "../plan/planJson";
import { parseEnvFile } from "../../gameday/planned";

/** An interface endpoint the plan declares: the API's host name resolves to it when private DNS is on. */
export interface PlannedInterfaceEndpoint {
  /** `ssm`, `logs`, …: the last label of `com.amazonaws.<region>.<service>`. */
  service: string;
  privateDns: boolean;
  /** The endpoint policy's JSON, or undefined when it has none (the default allows everything). */
  policy?: string;
}

export interface PlannedHost {
  region: string;
  /** The launch template's URN, what the rehearsal reports a boot under. */
  templateUrn: string;
  /** The user data as the launch template carries it (base64). */
  userData: string;
  /** `metadataOptions`: IMDSv2 required or not, and the hop limit of its answers. */
  metadata: { httpTokens: string; hopLimit: number };
  /**
   * The tags instance metadata serves under `tags/instance/` (the template's instance tags and the
   * group's `aws:autoscaling:groupName`), or undefined when the template does not enable them.
   */
  instanceTags?: Record<string, string>;
  interfaceEndpoints: PlannedInterfaceEndpoint[];
  /** The S3 gateway endpoint's policy JSON, when the VPC has one routed to the hosts' route table. */
  s3GatewayPolicy?: string;
  /** The host role's name and the JSON of every inline policy it has; the managed policy ARNs attached to it. */
  role: { name: string; policies: string[]; managedPolicyArns: string[] };
  /** The env file both service units load. */
  env: Record<string, string>;
  healthCheck: { path: string; intervalSeconds: number; healthyThreshold: number; matcher: string };
  healthCheckGracePeriodSeconds: number;
}

export class PlanShapeError extends Error {}

const inRegion = (region: string) => (r: PlanJsonResource) => r.region === region;

function need<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new PlanShapeError(`the plan declares no ${what}: the rehearsal boots only what the plan declares`);
  return value;
}

/** Every launch template of the plan, with what its hosts would meet in their VPC. */
export function plannedHosts(plan: PlanJson): PlannedHost[] {
  const of = (type: string) => plan.resources.filter((r) => r.type === type);
  return of(resourceTypes.ec2LaunchTemplate).map((template) => {
    const region = need(template.region ?? undefined, `region on ${template.urn}`);
    const here = inRegion(region);
    const inputs = template.inputs as Record<string, any>;
    const userData = need(typeof inputs.userData === "string" ? inputs.userData : undefined, `userData on ${template.urn}`);
    const endpoints = of(resourceTypes.ec2VpcEndpoint).filter(here);
    const gateway = endpoints.find((e) => e.inputs.vpcEndpointType === "Gateway" && String(e.inputs.serviceName).endsWith(".s3"));
    const profileArn = String(inputs.iamInstanceProfile?.arn ?? "");
    const profile = need(
      of(resourceTypes.iamInstanceProfile).find((p) => profileArn.endsWith(`/${p.name}`) || profileArn.includes(`/${p.name}-`)) ??
        of(resourceTypes.iamInstanceProfile).find((p) => p.name.startsWith(`ingest-${region}`)),
      `instance profile ${profileArn} of ${template.urn}`,
    );
    const roleName = String(profile.inputs.role);
    const targetGroup = need(of(resourceTypes.lbTargetGroup).find(here), `target group in ${region}`);
    const group = need(of(resourceTypes.autoscalingGroup).find(here), `autoscaling group in ${region}`);
    const hc = (targetGroup.inputs.healthCheck ?? {}) as Record<string, unknown>;
    const envText = need(readWrittenFile(userData, ingestEnvPath), `${ingestEnvPath} in the user data of ${template.urn}`);
    const instanceTags = (inputs.tagSpecifications ?? []).find((spec: { resourceType?: string }) => spec.resourceType === "instance")?.tags ?? {};
    return {
      region,
      templateUrn: template.urn,
      userData,
      metadata: { httpTokens: String(inputs.metadataOptions?.httpTokens ?? "optional"), hopLimit: Number(inputs.metadataOptions?.httpPutResponseHopLimit ?? 1) },
      instanceTags: inputs.metadataOptions?.instanceMetadataTags === "enabled" ? { ...instanceTags, "aws:autoscaling:groupName": String(group.inputs.name ?? group.name) } : undefined,
      interfaceEndpoints: endpoints
        .filter((e) => e.inputs.vpcEndpointType === "Interface")
        .map((e) => ({ service: String(e.inputs.serviceName).split(".").pop()!, privateDns: e.inputs.privateDnsEnabled === true, policy: e.inputs.policy as string | undefined })),
      s3GatewayPolicy: gateway ? String(gateway.inputs.policy ?? "") : undefined,
      role: {
        name: roleName,
        policies: of(resourceTypes.iamRolePolicy)
          .filter((p) => p.inputs.role === roleName)
          .map((p) => String(p.inputs.policy)),
        managedPolicyArns: of(resourceTypes.iamRolePolicyAttachment)
          .filter((p) => p.inputs.role === roleName)
          .map((p) => String(p.inputs.policyArn)),
      },
      env: parseEnvFile(envText),
      healthCheck: {
        path: String(hc.path ?? "/"),
        intervalSeconds: Number(hc.interval ?? 30),
        healthyThreshold: Number(hc.healthyThreshold ?? 5),
        matcher: String(hc.matcher ?? "200"),
      },
      healthCheckGracePeriodSeconds: Number(group.inputs.healthCheckGracePeriod ?? 0),
    };
  });
}
