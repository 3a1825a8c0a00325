import { beforeAll, describe, expect, it } from "vitest";
import { resourceTypes } from "../../../../models/resourceTypes";
import type { Plan } from "../../../../tools/plan/plan";
import { networkPathsSection } from "../../../../tools/plan/sections/network";
import type { PlanJson } from "../../../../tools/plan/planJson";
import { mutated, plannedResources, shippedPlan } from "../../../support/plannedNetwork";

let prod: PlanJson;
beforeAll(() => {
  prod = shippedPlan("prod");
}, 300_000);

const render = (plan: PlanJson) => networkPathsSection.render({ resources: plannedResources(plan) } as Plan);

describe("the plan's Network paths section", () => {
  it("lists every flow of each region as open, with what carries it, and the probes of closed paths", () => {
    const lines = render(prod);
    expect(lines.filter((l) => /^\S/.test(l))).toEqual([
      "us-east-1 (VPC ingest-us-east-1-vpc 10.0.0.0/16): 10 of 10 needed flows open, 0 paths open beyond them",
      "us-west-2 (VPC ingest-us-west-2-vpc 10.1.0.0/16): 10 of 10 needed flows open, 0 paths open beyond them",
      "eu-west-1 (VPC ingest-eu-west-1-vpc 10.2.0.0/16): 10 of 10 needed flows open, 0 paths open beyond them",
    ]);
    expect(lines).toContain(
      "  open    host → datastore 10.100.0.0/16 port 5432: via security group ingest-us-east-1-hosts egress (ingest-us-east-1-hosts-out-datastore-10.100.0.0-16) → route table ingest-us-east-1-public: 10.100.0.0/16 → transit gateway tgw-0a1b2c3d4e5f60718 → the datastore's side (its VPC's route back to 10.0.0.0/16 and its security group) is outside this program",
    );
    expect(lines.filter((l) => l.startsWith("  closed by design"))).toEqual(Array(3).fill("  closed by design (6 of 6 probes closed):"));
    expect(lines.filter((l) => l.startsWith("  limit: "))).toHaveLength(6);
  });

  it("marks a closed flow with the hop that drops it and the fix", () => {
    const lines = render(mutated(prod, (r) => r.type === resourceTypes.ec2Route && r.name === "ingest-us-east-1-public-datastore-10.100.0.0-16"));
    expect(lines[0]).toBe("us-east-1 (VPC ingest-us-east-1-vpc 10.0.0.0/16): 9 of 10 needed flows open, 0 paths open beyond them");
    expect(lines).toContain(
      "  CLOSED  host → datastore 10.100.0.0/16 port 5432: no route to 10.100.0.0/16 in route table ingest-us-east-1-public: its match, 0.0.0.0/0 → internet gateway ingest-us-east-1-igw, goes nowhere for it (the internet gateway routes no private network); " +
        "fix: declare edge:datastore.endpoints.us-east-1.route (a transit gateway or VPC peering connection), which adds an aws.ec2.Route for 10.100.0.0/16 to ingest-us-east-1-public",
    );
  });
});
