import { beforeAll, describe, expect, it } from "vitest";
import { incidentNote } from "../../../models/incidents";
import { resourceTypes } from "../../../models/resourceTypes";
import { enforceRequiredPaths } from "../../../policies/network/enforceRequiredPaths";
import type { PlanJson, PlanJsonResource } from "../../../tools/plan/planJson";
import { runStackPolicy } from "../harness";
import { mutated, shippedPlan, subjects } from "../../support/plannedNetwork";

let prod: PlanJson;
beforeAll(() => {
  prod = shippedPlan("prod");
}, 300_000);

const judge = async (plan: PlanJson) => runStackPolicy(enforceRequiredPaths, subjects(plan));
const named = (name: string, type?: string) => (r: PlanJsonResource) => r.name === name && (type === undefined || r.type === type);
const change = (name: string, edit: (inputs: Record<string, any>) => void, type?: string) => (r: PlanJsonResource) => {
  if (named(name, type)(r)) edit(r.inputs);
};
const region = incidentNote("regionFailure");

describe("enforce-required-paths", () => {
  it("accepts the shipped prod plan: every flow the edge needs is open in each region", async () => {
    expect(await judge(prod)).toEqual([]);
  });

  it("refuses a region whose hosts have no route to a datastore network, on the route table, with the config key that adds it", async () => {
    const findings = await judge(mutated(prod, (r) => r.type === resourceTypes.ec2Route && r.name === "ingest-eu-west-1-public-datastore-10.102.0.0-16"));
    expect(findings).toEqual([
      {
        urn: prod.resources.find(named("ingest-eu-west-1-public", resourceTypes.ec2RouteTable))!.urn,
        subject: "host → datastore 10.102.0.0/16 port 5432 [eu-west-1]",
        message:
          "host → datastore: no route to 10.102.0.0/16 in route table ingest-eu-west-1-public: its match, 0.0.0.0/0 → internet gateway ingest-eu-west-1-igw, goes nowhere for it (the internet gateway routes no private network) (10.102.0.0/16 port 5432, eu-west-1). " +
          `Smallest fix: declare edge:datastore.endpoints.eu-west-1.route (a transit gateway or VPC peering connection), which adds an aws.ec2.Route for 10.102.0.0/16 to ingest-eu-west-1-public. ${incidentNote("regionalDatastore")}`,
      },
    ]);
  });

  it("refuses an interface endpoint with private DNS off: the SDK's name resolves to the public address the hosts cannot reach", async () => {
    const findings = await judge(
      mutated(
        prod,
        () => false,
        change("ingest-us-east-1-ssm", (i) => (i.privateDnsEnabled = false)),
      ),
    );
    expect(findings.map((f) => f.message)).toEqual([
      "host → ssm: no egress rule of security group ingest-us-east-1-hosts admits tcp 443 to com.amazonaws.us-east-1.ssm's public address (endpoint ingest-us-east-1-ssm has private DNS off) (com.amazonaws.us-east-1.ssm, us-east-1). " +
        `Smallest fix: set privateDnsEnabled: true on ingest-us-east-1-ssm, so ssm's name resolves to it. ${region}`,
    ]);
  });

  it("refuses an endpoint policy that does not allow a call the hosts make through it", async () => {
    const findings = await judge(
      mutated(
        prod,
        () => false,
        change("ingest-us-east-1-ssm", (i) => (i.policy = JSON.stringify({ Statement: [{ ...JSON.parse(i.policy).Statement[0], Action: "ssm:UpdateInstanceInformation", Resource: "*" }] }))),
      ),
    );
    expect(findings.map((f) => f.message)).toEqual([
      "host → ssm: the policy of endpoint ingest-us-east-1-ssm does not allow ssm:GetParameter on arn:aws:ssm:us-east-1:123456789012:parameter/edge/prod/datastore/password for account 123456789012 (com.amazonaws.us-east-1.ssm, us-east-1). " +
        `Smallest fix: allow those calls in the policy of ingest-us-east-1-ssm (interfaceEndpointPolicy/bundleEndpointPolicy in models/ingestRegion/egress.ts). ${region}`,
    ]);
  });

  it("refuses a host role that does not allow reading the bundle", async () => {
    const findings = await judge(
      mutated(
        prod,
        () => false,
        change("ingest-us-west-2-host-calls", (i) => (i.policy = JSON.stringify({ Statement: JSON.parse(i.policy).Statement.filter((s: { Sid: string }) => s.Sid !== "HostBundle") }))),
      ),
    );
    expect(findings.map((f) => f.message)).toEqual([
      "host → S3 bundle: role ingest-us-west-2-host does not allow s3:GetObject on arn:aws:s3:::edge-releases-us-west-2/releases/edge-ingest-2026.12.01.tar.gz " +
        "(arn:aws:s3:::edge-releases-us-west-2/releases/edge-ingest-2026.12.01.tar.gz, us-west-2). " +
        `Smallest fix: grant those calls in the host role's policy (hostRolePolicy in models/ingestRegion/egress.ts). ${region}`,
    ]);
  });

  it("refuses a load balancer without its TLS listener: no client reaches it, and nothing forwards to the hosts", async () => {
    const findings = await judge(mutated(prod, named("ingest-us-east-1-tls")));
    expect(findings.map((f) => f.message)).toEqual([
      `client → load balancer: load balancer ingest-us-east-1-nlb has no listener on 443 (tcp 443 (TLS listener), us-east-1). Smallest fix: add a TLS listener on 443. ${region}`,
      "load balancer → host: the listener on 443 forwards to no target group the hosts' group ingest-us-east-1-hosts registers with (tcp 80 (traffic and health check), us-east-1). " +
        `Smallest fix: forward the listener to the hosts' target group and list it in the group's targetGroupArns. ${region}`,
    ]);
  });

  it("says which need tags are missing when the hosts' launch template declares none", async () => {
    const findings = await judge(
      mutated(
        prod,
        () => false,
        change("ingest-us-east-1-hosts", (i) => (i.tags = {}), resourceTypes.ec2LaunchTemplate),
      ),
    );
    expect(findings).toEqual([
      {
        urn: prod.resources.find(named("ingest-us-east-1-hosts", resourceTypes.ec2LaunchTemplate))!.urn,
        subject: "network needs",
        message:
          "the hosts' launch template lacks the network need tags edge:network:datastore-networks, edge:network:datastore-port, edge:network:account: the flows of us-east-1 cannot be judged. " +
          "Smallest fix: tag the launch template with networkNeedTags (IngestRegion does).",
      },
    ]);
  });
});
