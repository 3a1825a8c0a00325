import * as aws from "@pulumi/aws";
import * as cloudflare from "@pulumi/cloudflare";
import * as pulumi from "@pulumi/pulumi";

/** How the secondary provider takes part (edge:dns.secondary.mode). */
export type SecondaryMode = "hot-standby" | "active-active";

export interface DnsZonesArgs {
  /** The zone's domain, e.g. `example.com`. */
  domain: string;
  /** The Cloudflare secondary (incident 001: hot-standby zones on a second provider). */
  secondary: {
    /** Cloudflare account id (32 hex characters). Required. */
    accountId: string;
    /**
     * `active-active`: Cloudflare's name servers are listed at the registrar beside Route 53's, which
     * needs Cloudflare's multi-provider DNS on the zone. `hot-standby`: same records, unlisted, ready
     * for an NS change. Defaults to `hot-standby`.
     */
    mode?: SecondaryMode;
  };
}

/**
 * The stack's two DNS zones: Route 53 (primary) and Cloudflare (secondary). Constructed first: the
 * ingestion regions and the CDN validate their certificates through `primaryZoneId`. The served
 * records are rendered to both zones by `DnsRecords`, once the endpoints exist.
 */
export class DnsZones extends pulumi.ComponentResource {
  /** The zone's domain. */
  readonly domain: string;
  /** How the secondary takes part. */
  readonly mode: SecondaryMode;
  /** Route 53 hosted zone id. */
  readonly primaryZoneId: pulumi.Output<string>;
  /** Route 53 name servers to list at the registrar. */
  readonly primaryNameServers: pulumi.Output<string[]>;
  /** Cloudflare zone id. */
  readonly secondaryZoneId: pulumi.Output<string>;
  /** Cloudflare name servers: listed at the registrar in active-active, kept for the switch in hot-standby. */
  readonly secondaryNameServers: pulumi.Output<string[]>;
  /** The name servers the registrar lists for the mode. */
  readonly registrarNameServers: pulumi.Output<string[]>;

  constructor(name: string, args: DnsZonesArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("edge:dns:DnsZones", name, {}, opts);
    this.domain = args.domain;
    this.mode = args.secondary.mode ?? "hot-standby";

    const primary = new aws.route53.Zone(
      `${name}-route53`,
      { name: args.domain, comment: `Primary zone of the ${args.domain} ingestion edge, managed by Pulumi` },
      { parent: this },
    );

    const secondary = new cloudflare.Zone(
      `${name}-cloudflare`,
      { account: { id: args.secondary.accountId }, name: args.domain, type: "full" },
      { parent: this },
    );

    // Multi-provider DNS lets Cloudflare answer while another provider's NS are listed too; CNAMEs
    // stay CNAMEs (no flattening beyond the apex), so both providers answer alike.
    new cloudflare.ZoneDnsSettings(
      `${name}-cloudflare-settings`,
      { zoneId: secondary.id, multiProvider: this.mode === "active-active", flattenAllCnames: false },
      { parent: secondary },
    );

    this.primaryZoneId = primary.zoneId;
    this.primaryNameServers = primary.nameServers;
    this.secondaryZoneId = secondary.id;
    this.secondaryNameServers = secondary.nameServers;
    this.registrarNameServers =
      this.mode === "active-active"
        ? pulumi.all([primary.nameServers, secondary.nameServers]).apply(([a, b]) => [...a, ...b])
        : primary.nameServers;
    this.registerOutputs({
      primaryZoneId: this.primaryZoneId,
      primaryNameServers: this.primaryNameServers,
      secondaryZoneId: this.secondaryZoneId,
      secondaryNameServers: this.secondaryNameServers,
      registrarNameServers: this.registrarNameServers,
    });
  }
}
