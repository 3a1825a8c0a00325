import type { DeclaredResource } from "../../../models/declaredResource";
import { resourceTypes } from "../../../models/resourceTypes";

/** One region's edge as declared, the numbers small enough to compute by hand. */
export function sampleResources(over: { env?: string; drainSleep?: number; healthCheck?: Record<string, number>; apexNs?: string[]; origin?: Record<string, unknown> } = {}): DeclaredResource[] {
  const urn = (type: string, name: string) => `urn:pulumi:prod::edge::${type}::${name}`;
  const userData = `#cloud-config
write_files:
  - path: /etc/nginx/nginx.conf
    content: |
      upstream ingest {
          server 127.0.0.1:8080 max_fails=5 fail_timeout=5s;
          server 127.0.0.1:8081 backup max_fails=0;
      }
      location = /http-check {
          if (-f /var/run/edge/drain) {
              return 404 "draining\\n";
          }
          proxy_pass http://ingest/readyz;
      }
      location = /track {
          proxy_pass http://ingest;
          proxy_connect_timeout 1s;
          proxy_read_timeout 5s;
          proxy_next_upstream_tries 2;
      }
  - path: /usr/local/sbin/edge-drain
    content: |
      touch /var/run/edge/drain
      sleep ${over.drainSleep ?? 60}
  - path: /etc/edge/ingest.env
    content: |
      INGEST_COLLECTOR_PATH=/track
      INGEST_DB_HOSTS=db-1.internal,db-2.internal
${over.env ?? ""}`;
  const check = urn(resourceTypes.route53HealthCheck, "dns-health-us-east-1");
  return [
    {
      type: resourceTypes.autoscalingGroup,
      urn: urn(resourceTypes.autoscalingGroup, "hosts"),
      inputs: {
        region: "us-east-1",
        minSize: 3,
        maxSize: 12,
        vpcZoneIdentifiers: ["subnet-a", "subnet-b", "subnet-c"],
        initialLifecycleHooks: [{ lifecycleTransition: "autoscaling:EC2_INSTANCE_TERMINATING", heartbeatTimeout: 90 }],
        tags: [
          { key: "edge:capacity:peak-events-per-second", value: "20000" },
          { key: "edge:capacity:events-per-host-per-second", value: "8000" },
        ],
      },
    },
    {
      type: resourceTypes.lbTargetGroup,
      urn: urn(resourceTypes.lbTargetGroup, "targets"),
      inputs: { region: "us-east-1", deregistrationDelay: 60, healthCheck: { interval: 10, unhealthyThreshold: 2, timeout: 5, ...over.healthCheck } },
    },
    { type: resourceTypes.ec2LaunchTemplate, urn: urn(resourceTypes.ec2LaunchTemplate, "template"), inputs: { region: "us-east-1", userData } },
    { type: resourceTypes.route53HealthCheck, urn: check, inputs: { requestInterval: 10, failureThreshold: 3 } },
    {
      type: resourceTypes.route53Record,
      urn: urn(resourceTypes.route53Record, "a-api-us-east-1"),
      inputs: { type: "A", ttl: 60, setIdentifier: "us-east-1", healthCheckId: "hc-1" },
      dependencies: [check],
    },
    {
      type: resourceTypes.route53Record,
      urn: urn(resourceTypes.route53Record, "apex-ns"),
      inputs: {
        type: "NS",
        ttl: 172800,
        records: over.apexNs ?? ["ns-1.awsdns-1.com", "ns-2.awsdns-2.net", "ns-3.awsdns-3.org", "ns-4.awsdns-4.co.uk", "ada.ns.cloudflare.com", "bob.ns.cloudflare.com"],
      },
    },
    { type: resourceTypes.route53Zone, urn: urn(resourceTypes.route53Zone, "zone"), inputs: { name: "example.com" } },
    { type: resourceTypes.cloudflareZone, urn: urn(resourceTypes.cloudflareZone, "secondary"), inputs: { name: "example.com" } },
    {
      type: resourceTypes.cloudfrontDistribution,
      urn: urn(resourceTypes.cloudfrontDistribution, "cdn"),
      inputs: {
        origins: [{ originId: "origin", ...over.origin }, { originId: "replica" }],
        originGroups: [{ members: [{ originId: "origin" }, { originId: "replica" }] }],
      },
    },
  ];
}
