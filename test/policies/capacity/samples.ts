/** Compliant declared resources, as an `IngestRegion` writes them, for the capacity policy specs. */
import { capacityTagKeys } from "../../../models/capacity";
import { hostEdgeSettings, renderUserData } from "../../../models/hostEdge";
import type { StackConfigInput } from "../../../stacks/schema";
import { sampleConfig } from "../../models/capacity/fixtures";
import type { Subject } from "../harness";
import { resourceTypes } from "../../../models/resourceTypes";

/** A launch template of the shipped prod stack's shape: c6i.xlarge, 8192 worker connections. */
export function launchTemplate(nginx: StackConfigInput["nginx"] = { workerConnections: 8192 }, instanceType = "c6i.xlarge"): Subject {
  const userData = Buffer.from(renderUserData(hostEdgeSettings(sampleConfig({ nginx }), 4))).toString("base64");
  return {
    type: resourceTypes.ec2LaunchTemplate,
    name: "ingest-us-east-1-hosts",
    props: { instanceType, userData, tags: { [capacityTagKeys.instanceType]: instanceType, [capacityTagKeys.serviceReserveMiB]: "1024" } },
  };
}

export interface FleetTags {
  environment?: string;
  peakEventsPerSecond?: number;
  burstFactor?: number;
  eventsPerHostPerSecond?: number;
  datastore?: string;
  datastoreMaxConnections?: number;
  poolSizePerHost?: number;
  processesPerHost?: number;
}

/** An autoscaling group of the shipped prod stack's shape: 3–12 hosts, 8000 events/s each, its region's own datastore. */
export function autoscalingGroup(region: string, maxSize = 12, overrides: FleetTags = {}): Subject {
  const values: Required<FleetTags> = {
    environment: "prod",
    peakEventsPerSecond: 20000,
    burstFactor: 8,
    eventsPerHostPerSecond: 8000,
    datastore: `edge-${region}.cluster-example.${region}.rds.amazonaws.com:5432`,
    datastoreMaxConnections: 3000,
    poolSizePerHost: 16,
    processesPerHost: 2,
    ...overrides,
  };
  return {
    type: resourceTypes.autoscalingGroup,
    name: `ingest-${region}-hosts`,
    urn: `urn:pulumi:prod::edge::edge:ingest:IngestRegion$aws:autoscaling/group:Group::ingest-${region}-hosts`,
    props: {
      region,
      minSize: 3,
      maxSize,
      tags: [
        { key: "Name", value: `ingest-${region}-host`, propagateAtLaunch: true },
        ...Object.entries(values).map(([key, value]) => ({ key: capacityTagKeys[key as keyof FleetTags], value: String(value), propagateAtLaunch: false })),
      ],
    },
  };
}

export const prodRegions = ["us-east-1", "us-west-2", "eu-west-1"];
