import { beforeAll, describe, expect, it } from "vitest";
import { resourceTypes } from "../../../models/resourceTypes";
import { diffPlans, refusedRisks } from "../../../tools/diff/planDiff";
import type { PlanJson, PlanJsonResource } from "../../../tools/plan/planJson";
import { mutated, shippedPlan } from "../../support/plannedNetwork";

let prod: PlanJson;
beforeAll(() => {
  prod = shippedPlan("prod");
}, 300_000);

const risksOf = (base: PlanJson, head: PlanJson, kind: string) => diffPlans(base, head).risks.filter((r) => r.kind === kind);
const withoutDatastoreRoute = () => mutated(prod, (r) => r.type === resourceTypes.ec2Route && r.name === "ingest-us-west-2-public-datastore-10.101.0.0-16");

describe("npm run diff: network paths", () => {
  it("shows a needed flow that closes as a risk, with the hop and the fix", () => {
    expect(risksOf(prod, withoutDatastoreRoute(), "network-flow-closed").map((r) => r.message)).toEqual([
      expect.stringMatching(
        /^host → datastore 10\.101\.0\.0\/16 port 5432 \[us-west-2\] closes: no route to 10\.101\.0\.0\/16 in route table ingest-us-west-2-public: .*; was open via .*10\.101\.0\.0\/16 → transit gateway tgw-0b2c3d4e5f6071829.* Fix: declare edge:datastore\.endpoints\.us-west-2\.route/,
      ),
    ]);
  });

  it("shows a needed flow that opens as a risk", () => {
    expect(risksOf(withoutDatastoreRoute(), prod, "network-flow-opened").map((r) => r.message)).toEqual([
      expect.stringMatching(/^host → datastore 10\.101\.0\.0\/16 port 5432 \[us-west-2\] opens: was closed: no route to 10\.101\.0\.0\/16 .*; now open via /),
    ]);
    expect(diffPlans(prod, prod).risks).toEqual([]);
  });

  it("shows a path nothing needs that opens as a risk", () => {
    const template = prod.resources.find((r) => r.name === "ingest-eu-west-1-hosts-out-s3")!;
    const world: PlanJsonResource = {
      ...template,
      urn: template.urn.replace(/::[^:]+$/, "::ingest-eu-west-1-hosts-out-world"),
      name: "ingest-eu-west-1-hosts-out-world",
      inputs: { ...template.inputs, prefixListId: undefined, cidrIpv4: "0.0.0.0/0" },
    };
    expect(risksOf(prod, { ...prod, resources: [...prod.resources, world] }, "network-path-opened").map((r) => r.message)).toEqual([
      "a path nothing needs opens [eu-west-1]: ingest-eu-west-1-hosts-out-world: egress tcp 443 to 0.0.0.0/0 is wider than the flows using it need (10.2.0.0/20, 10.2.16.0/20, 10.2.32.0/20)",
    ]);
  });

  it("says a route moves out of a route table's inline routes, and how to import it", () => {
    const inline = mutated(
      prod,
      () => false,
      (r) => {
        if (r.type === resourceTypes.ec2RouteTable && r.region === "us-east-1") r.inputs.routes = [{ cidrBlock: "0.0.0.0/0", gatewayId: "igw-0123" }];
      },
    );
    const [risk, ...more] = risksOf(inline, prod, "route-moved");
    expect(more).toEqual([]);
    expect(risk!.message).toBe(
      "route 0.0.0.0/0 moves out of route table ingest-us-east-1-public's inline routes into aws.ec2.Route ingest-us-east-1-public-internet [us-east-1]: on a deployed stack AWS already holds it, so creating it fails (RouteAlreadyExists). " +
        `Import it first: pulumi import aws:ec2/route:Route ingest-us-east-1-public-internet <route table id>_0.0.0.0/0 --parent '${prod.resources.find((r) => r.type === resourceTypes.ec2RouteTable && r.region === "us-east-1")!.urn}'`,
    );
    // A VPC given another block replaces its route table, which starts empty: nothing to import.
    const newBlock = mutated(
      prod,
      () => false,
      (r) => {
        if (r.type === resourceTypes.ec2Vpc && r.region === "us-east-1") r.inputs.cidrBlock = "10.40.0.0/16";
      },
    );
    expect(risksOf(inline, newBlock, "route-moved")).toEqual([]);
  });

  it("refuses subnets moved into each other's blocks: the new one is created while the old one still holds the block", () => {
    const subnets = prod.resources.filter((r) => r.type === resourceTypes.ec2Subnet && r.region === "eu-west-1");
    const [a, b] = [subnets[0]!, subnets[1]!];
    const swapped = mutated(
      prod,
      () => false,
      (r) => {
        if (r.urn === a.urn) Object.assign(r.inputs, { cidrBlock: b.inputs.cidrBlock, availabilityZoneId: b.inputs.availabilityZoneId });
        if (r.urn === b.urn) Object.assign(r.inputs, { cidrBlock: a.inputs.cidrBlock, availabilityZoneId: a.inputs.availabilityZoneId });
      },
    );
    // The update rehearsal refuses it: the first replacement's CreateSubnet stops the update.
    const refused = refusedRisks(risksOf(prod, swapped, "refused-by-api"));
    expect(refused.map((r) => r.message)).toContainEqual(
      expect.stringMatching(new RegExp(`^aws:ec2/subnet:Subnet (${a.name}|${b.name}) \\[eu-west-1\\], create-replacement: the API refuses it: InvalidSubnet\\.Conflict`)),
    );
    // One zone moved to a zone not listed takes a block nobody holds: no conflict.
    const moved = mutated(
      prod,
      () => false,
      (r) => {
        if (r.urn === a.urn) Object.assign(r.inputs, { cidrBlock: "10.2.96.0/20", availabilityZoneId: "euw1-az7" });
      },
    );
    expect(risksOf(prod, moved, "refused-by-api").filter((r) => r.message.includes("InvalidSubnet.Conflict"))).toEqual([]);
  });
});
