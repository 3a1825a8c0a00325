import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { DnsRecord, fqdn } from "../models/dns/record";

export interface DnsZonesArgs {
  /** The zone's domain, e.g. `example.com`. */
  domain: string;
  /** Records served by every provider, declared once in the neutral model. */
  records: DnsRecord[];
}

/**
 * The stack's DNS zones. Route 53 is the primary provider; every record of the neutral model is
 * rendered to it record for record.
 */
export class DnsZones extends pulumi.ComponentResource {
  /** Route 53 hosted zone id. */
  readonly primaryZoneId: pulumi.Output<string>;
  /** Route 53 name servers to list at the registrar. */
  readonly primaryNameServers: pulumi.Output<string[]>;

  constructor(name: string, args: DnsZonesArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("edge:dns:DnsZones", name, {}, opts);

    const zone = new aws.route53.Zone(
      `${name}-route53`,
      { name: args.domain, comment: `Primary zone of the ${args.domain} ingestion edge, managed by Pulumi` },
      { parent: this },
    );

    for (const record of args.records) {
      new aws.route53.Record(
        `${name}-route53-${record.type.toLowerCase()}-${record.name}`,
        {
          zoneId: zone.zoneId,
          name: fqdn(record.name, args.domain),
          type: record.type,
          ttl: record.ttl,
          records: record.values,
        },
        { parent: zone },
      );
    }

    this.primaryZoneId = zone.zoneId;
    this.primaryNameServers = zone.nameServers;
    this.registerOutputs({ primaryZoneId: this.primaryZoneId, primaryNameServers: this.primaryNameServers });
  }
}
