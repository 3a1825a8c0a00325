/**
 * The monthly cost estimate: every declared type priced or explicitly free, hosts priced by type
 * and region, and the delta a pull-request comment prints.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { estimateCost, formatCostDelta, pricers, PricedResource } from "../../../models/cost/estimate";
import { freeTypes, priceTable } from "../../../models/cost/prices";
import { resourceTypes } from "../../../models/resourceTypes";
import { capacityTagKeys } from "../../../models/capacity";
import { runPlan } from "../../support/runPlan";

const declared: PricedResource[][] = [];

beforeAll(() => {
  for (const stack of ["prod", "dev"]) {
    const run = runPlan(["--stack", stack]);
    expect(run.code).toBe(0);
    declared.push(run.json!.resources.filter((r) => r.custom));
  }
}, 60_000);

const group = (region: string, minSize: number, instanceType: string): PricedResource => ({
  type: resourceTypes.autoscalingGroup,
  region,
  inputs: { region, minSize, maxSize: minSize * 4, tags: [{ key: capacityTagKeys.instanceType, value: instanceType, propagateAtLaunch: true }] },
});

describe("price table", () => {
  it("prices, or names as free, every resource type a stack declares and every type the program knows", () => {
    const types = new Set([...declared.flat().map((r) => r.type), ...Object.values(resourceTypes)]);
    expect([...types].filter((type) => !(type in pricers) && !(type in freeTypes)).sort()).toEqual([]);
    for (const stack of declared) expect(estimateCost(stack).unpriced).toEqual([]);
  });

  it("is dated and names its sources", () => {
    expect(priceTable.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(priceTable.sources.length).toBeGreaterThanOrEqual(10);
  });

  it("names a type it cannot price instead of leaving it out silently", () => {
    expect(estimateCost([{ type: "aws:ec2/natGateway:NatGateway", region: "us-east-1", inputs: {} }]).unpriced).toEqual(["aws:ec2/natGateway:NatGateway"]);
  });
});

describe("estimate", () => {
  it("prices hosts at the groups' minimum by instance type and region", () => {
    const e = estimateCost([group("us-east-1", 3, "c6i.xlarge"), group("eu-west-1", 3, "c6i.xlarge")]);
    expect(e.hosts).toEqual([
      { region: "eu-west-1", count: 3, instanceType: "c6i.xlarge" },
      { region: "us-east-1", count: 3, instanceType: "c6i.xlarge" },
    ]);
    const us = e.items.find((i) => i.region === "us-east-1")!;
    expect(us.monthlyUsd).toBeCloseTo(3 * 0.17 * 730, 2);
    expect(e.items.find((i) => i.region === "eu-west-1")!.monthlyUsd).toBeGreaterThan(us.monthlyUsd);
  });

  it("prices a region from its own rates where a source gives them, and names every rate guessed from us-east-1's", () => {
    const nlb = (region: string): PricedResource => ({ type: resourceTypes.lbLoadBalancer, region, inputs: {} });
    const ireland = estimateCost([nlb("eu-west-1"), group("eu-west-1", 1, "t3.large")]);
    expect(ireland.items.find((i) => /NLB/.test(i.item))!.monthlyUsd).toBeCloseTo((0.0252 + 0.006) * 730, 5);
    expect(ireland.items.find((i) => /t3\.large/.test(i.item))!.monthlyUsd).toBeCloseTo(0.0912 * 730, 5);
    expect(ireland.unconfirmed).toEqual([]);
    const guessed = estimateCost([nlb("us-west-2"), group("eu-west-1", 3, "c6i.xlarge"), group("us-east-1", 3, "c6i.xlarge")]);
    expect(guessed.unconfirmed).toEqual(["NLB hours and LCU in us-west-2", "c6i.xlarge hours in eu-west-1"]);
    expect(guessed.items.find((i) => i.region === "eu-west-1")!.monthlyUsd).toBeCloseTo(3 * 0.17 * 1.13 * 730, 5);
    expect(guessed.unconfirmedUsd).toBeCloseTo((0.0225 + 0.006) * 730 + 3 * 0.17 * 1.13 * 730, 5);
  });

  it("names the prod stack's host rates outside us-east-1 as unconfirmed, and none of us-east-1's", () => {
    const prod = estimateCost(declared[0]!);
    expect(prod.unconfirmed).toContain("c6i.xlarge hours in eu-west-1");
    expect(prod.unconfirmed).toContain("c6i.xlarge hours in us-west-2");
    expect(prod.unconfirmed.filter((u) => u.endsWith("in us-east-1"))).toEqual([]);
  });

  it("prices an interface endpoint per availability zone and GB, and a gateway endpoint at nothing", () => {
    const endpoint = (inputs: Record<string, unknown>): PricedResource => ({ type: resourceTypes.ec2VpcEndpoint, region: "us-east-1", inputs });
    const e = estimateCost([
      endpoint({ vpcEndpointType: "Interface", serviceName: "com.amazonaws.us-east-1.ssm", subnetIds: ["subnet-1", "subnet-2", "subnet-3"] }),
      endpoint({ vpcEndpointType: "Gateway", serviceName: "com.amazonaws.us-east-1.s3", routeTableIds: ["rtb-1"] }),
    ]);
    expect(e.items.map((i) => [i.item, i.monthlyUsd])).toEqual([
      ["VPC interface endpoint, 3 AZ + 1 GB", 3 * 0.01 * 730 + 1 * 0.01],
      ["VPC gateway endpoint (free)", 0],
    ]);
    expect(estimateCost([endpoint({ vpcEndpointType: "Interface" })]).unpriced).toEqual([resourceTypes.ec2VpcEndpoint]);
  });

  it("lists an autoscaling group without the edge's capacity tags as not priced", () => {
    expect(estimateCost([{ type: resourceTypes.autoscalingGroup, region: "us-east-1", inputs: { minSize: 2 } }]).unpriced).toEqual([resourceTypes.autoscalingGroup]);
  });

  it("refuses an instance type without a price, naming the table to extend", () => {
    expect(() => estimateCost([group("us-east-1", 1, "x9.huge")])).toThrow(/no EC2 price for x9\.huge; add it to priceTable in models\/cost\/prices\.ts/);
  });

  it("counts an anomaly alarm as three metrics and a plain one as one", () => {
    const plain = { type: resourceTypes.cloudwatchMetricAlarm, region: "us-east-1", inputs: { metricName: "X" } };
    const band = {
      type: resourceTypes.cloudwatchMetricAlarm,
      region: "us-east-1",
      inputs: {
        thresholdMetricId: "band",
        metricQueries: [
          { id: "m1", metric: {} },
          { id: "band", expression: "ANOMALY_DETECTION_BAND(m1, 2)" },
        ],
      },
    };
    expect(estimateCost([plain]).monthlyUsd).toBeCloseTo(0.1, 5);
    expect(estimateCost([band]).monthlyUsd).toBeCloseTo(0.3, 5);
  });

  it("prices an alarm over a period under 60 s at the high-resolution rate, an anomaly band's three metrics included", () => {
    const alarm = (inputs: Record<string, unknown>) => estimateCost([{ type: resourceTypes.cloudwatchMetricAlarm, region: "us-east-1", inputs }]);
    expect(alarm({ metricName: "X", period: 10 })).toMatchObject({ monthlyUsd: 0.3, items: [{ item: "CloudWatch high-resolution alarm (1 metric)" }] });
    expect(alarm({ metricName: "X", period: 60 }).monthlyUsd).toBeCloseTo(0.1, 5);
    const band = alarm({
      metricQueries: [
        { id: "m1", metric: { period: 30 } },
        { id: "band", expression: "ANOMALY_DETECTION_BAND(m1, 2)" },
      ],
    });
    expect(band.items[0]!.item).toBe("CloudWatch high-resolution anomaly alarm (3 metrics)");
    expect(band.monthlyUsd).toBeCloseTo(0.9, 5);
  });

  it("prices a public IPv4 address at $0.005 an hour and an HTTPS 10 s health check at $2.50 a month", () => {
    expect(estimateCost([{ type: resourceTypes.ec2Eip, region: "us-east-1", inputs: {} }]).monthlyUsd).toBeCloseTo(3.65, 5);
    expect(estimateCost([{ type: resourceTypes.route53HealthCheck, region: null, inputs: { type: "HTTPS", requestInterval: 10 } }]).monthlyUsd).toBeCloseTo(2.5, 5);
  });

  it("prices the assumed queries at the latency-routing rate where a record set routes by latency", () => {
    const zone = { type: resourceTypes.route53Zone, region: null, inputs: {} };
    const record = (inputs: Record<string, unknown>) => ({ type: resourceTypes.route53Record, region: null, inputs });
    const queries = (e: ReturnType<typeof estimateCost>) => e.items.find((i) => /queries/.test(i.item))!;
    expect(queries(estimateCost([zone, record({ type: "A" })]))).toMatchObject({ item: "Route 53 queries, 50 M", monthlyUsd: 20 });
    const latency = queries(estimateCost([zone, record({ type: "A", latencyRoutingPolicies: [{ region: "us-east-1" }] })]));
    expect(latency.item).toBe("Route 53 latency-routed queries, 50 M");
    expect(latency.monthlyUsd).toBeCloseTo(30, 5);
  });

  it("prices a public IPv4 address per host where the launch template assigns one, and none for the shipped hosts", () => {
    const template = (associatePublicIpAddress: string) => ({ type: resourceTypes.ec2LaunchTemplate, region: "us-east-1", inputs: { networkInterfaces: [{ associatePublicIpAddress }] } });
    const hosts = [group("us-east-1", 3, "c6i.xlarge")];
    expect(estimateCost([...hosts, template("true")]).items.find((i) => /IPv4/.test(i.item))).toMatchObject({ item: "3 host public IPv4 addresses (minimum)", count: 3 });
    expect(estimateCost([...hosts, template("true")]).monthlyUsd - estimateCost([...hosts, template("false")]).monthlyUsd).toBeCloseTo(3 * 3.65, 5);
    const prod = estimateCost(declared[0]!);
    // The shipped hosts reach AWS through VPC endpoints and have no public address.
    expect(prod.items.filter((i) => /host public IPv4/.test(i.item))).toEqual([]);
    expect(prod.items.find((i) => /queries/.test(i.item))!.item).toMatch(/latency-routed/);
  });

  it("names a source, the day it was checked and what it confirmed for every price group", () => {
    for (const source of priceTable.sources) {
      expect(source.url, source.prices).toMatch(/^https:\/\//);
      expect(source.checked).toBe(priceTable.date);
      expect(source.note.length, source.prices).toBeGreaterThan(20);
    }
  });

  it("prints a delta with its percentage", () => {
    const base = estimateCost([group("us-east-1", 3, "c6i.xlarge")]);
    const head = estimateCost([group("us-east-1", 6, "c6i.xlarge")]);
    expect(formatCostDelta(base, head)).toBe("+$372/month (+100%)");
    expect(formatCostDelta(head, base)).toBe("-$372/month (-50%)");
    expect(formatCostDelta(base, base)).toBe("±$0/month");
  });

  it("prod costs more than dev, and losing a region's hosts lowers the estimate", () => {
    const [prod, dev] = declared.map((d) => estimateCost(d));
    expect(prod!.monthlyUsd).toBeGreaterThan(dev!.monthlyUsd);
    const withoutEu = estimateCost(declared[0]!.filter((r) => r.region !== "eu-west-1"));
    expect(formatCostDelta(prod!, withoutEu)).toMatch(/^-\$\d+\/month \(-\d+%\)$/);
  });
});
