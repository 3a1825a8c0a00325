/**
 * enforce-required-paths — mandatory (stack policy).
 *
 * Every network flow the edge needs is open in the plan: clients reach the load balancer's TLS
 * listener, the load balancer reaches the hosts (traffic and health check), the hosts reach the
 * pinned bundle through the S3 gateway endpoint, each AWS API they call through its interface
 * endpoint, and each of their datastore's networks on its port. Each flow is judged hop by hop by
 * the reachability model (`models/network/reachability.ts`): security groups, network ACLs, route
 * tables, endpoints with their policies, and the host role. A closed flow is reported on the
 * resource whose change opens it, naming the flow, the hop that drops it and the fix.
 *
 * AWS's VPC Reachability Analyzer judges deployed resources only; this judges the plan. Lesson
 * `regionalDatastore` of incident 002 for the datastore's flows (hosts that cannot reach it
 * acknowledge events they never store), `regionFailure` for the rest (a region that cannot serve
 * is a lost region from its first deploy).
 */
import { StackValidationPolicy } from "@pulumi/policy";
import { incidentNote } from "../../models/incidents";
import { closedFlows, flowTitle, type Reachability } from "../../models/network/reachability";
import { Finding, reportFinding } from "../finding";
import { stackReachability } from "./networkResources";

/** Every closed needed flow, and every fleet the model could not judge. */
export function judgeRequiredPaths(result: Reachability): Finding[] {
  const unjudged = result.unjudged.map((u) => ({ urn: u.urn, subject: "network needs", message: `${u.message}. Smallest fix: tag the launch template with networkNeedTags (IngestRegion does).` }));
  const closed = closedFlows(result).map((flow) => {
    const hop = flow.dropped!;
    const lesson = flow.name === "host → datastore" ? "regionalDatastore" : "regionFailure";
    return {
      urn: hop.urn,
      subject: flowTitle(flow),
      message: `${flow.name}: ${hop.summary} (${flow.detail}, ${flow.region}). Smallest fix: ${hop.fix}. ${incidentNote(lesson)}`,
    };
  });
  return [...closed, ...unjudged];
}

export const enforceRequiredPaths: StackValidationPolicy = {
  name: "enforce-required-paths",
  description: "Every network flow the edge needs is open: client → load balancer, load balancer → hosts, hosts → bundle, AWS APIs and datastore (incident 002).",
  enforcementLevel: "mandatory",
  validateStack: (args, reportViolation) => {
    for (const finding of judgeRequiredPaths(stackReachability(args.resources))) reportFinding(reportViolation, finding);
  },
};
