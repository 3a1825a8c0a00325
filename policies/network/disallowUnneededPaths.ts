/**
 * disallow-unneeded-paths — mandatory (stack policy). Security baseline; no post-mortem of its own.
 *
 * Nothing is open beyond the flows the edge needs (enforce-required-paths): no closed-by-design
 * probe passes (a client straight to a host, a host to the internet, SSH), no security group rule
 * or route is unused or wider than the flows using it, no interface endpoint is called by nothing,
 * and no endpoint policy or host role statement allows more than the hosts' calls (an action or
 * resource no call names, a principal of another account): a compromised host can do no more
 * through the network than the edge does. Each finding names the broadest statement or rule that
 * opens the path. Endpoints of services that take no custom policy are the plan's stated limits,
 * not findings (`hostApis` in models/ingestRegion/egress.ts says why).
 *
 * AWS Network Access Analyzer finds such paths in deployed resources only; this judges the plan.
 */
import { StackValidationPolicy } from "@pulumi/policy";
import { type ExtraPath, type Reachability } from "../../models/network/reachability";
import { Finding, reportFinding } from "../finding";
import { stackReachability } from "./networkResources";

const fixes: Record<ExtraPath["kind"], string> = {
  probe: "remove the rule or route it passes, or narrow it to the flows the edge needs",
  "security group rule": "remove the rule, or narrow it to the ports and networks of the flows using it",
  route: "remove the route, or list its network where the hosts need it (edge:datastore.endpoints.<region>.cidrs)",
  endpoint: "remove the endpoint, or list the calls the hosts make through it (hostApis in models/ingestRegion/egress.ts)",
  "endpoint policy": "write the policy from the hosts' calls (interfaceEndpointPolicy, bundleEndpointPolicy in models/ingestRegion/egress.ts)",
  role: "grant the hosts' calls only, on the resources they name (hostRolePolicy in models/ingestRegion/egress.ts), and attach no managed policy",
};

/** One finding per path open beyond the needed flows. */
export function judgeUnneededPaths(result: Reachability): Finding[] {
  return result.regions.flatMap((region) =>
    region.extras.map((extra) => ({
      urn: extra.urn,
      subject: `${extra.kind} [${extra.region}]: ${extra.broadest}`,
      message: `${extra.what} [${extra.region}]. Broadest: ${extra.broadest}. Smallest fix: ${fixes[extra.kind]}. Security baseline: a compromised host may use every path the network leaves open.`,
    })),
  );
}

export const disallowUnneededPaths: StackValidationPolicy = {
  name: "disallow-unneeded-paths",
  description: "Nothing is open beyond the flows the edge needs: no spare rule, route or endpoint, no endpoint policy or host role statement broader than the hosts' calls.",
  enforcementLevel: "mandatory",
  validateStack: (args, reportViolation) => {
    for (const finding of judgeUnneededPaths(stackReachability(args.resources))) reportFinding(reportViolation, finding);
  },
};
