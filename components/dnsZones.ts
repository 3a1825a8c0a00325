import * as aws from "@pulumi/aws";
import * as cloudflare from "@pulumi/cloudflare";
import * as pulumi from "@pulumi/pulumi";
import { providerCapabilities } from "../models/dns/providers";

/** How the secondary provider takes part (edge:dns.secondary.mode). */
export type SecondaryMode = "hot-standby" | "active-active";

/**
 * TTL of the apex NS records each zone publishes, in seconds. Route 53: its own default for the NS
 * record it creates, and the `.com` delegation's TTL. Cloudflare: the longest TTL its API accepts
 * (`maxTtlSeconds` of the provider table, 86,400 s; a longer one is refused, and the zone's
 * first deploy with it); a resolver refreshing the delegation from the child keeps it a day.
 */
export const apexNsTtlSeconds = { route53: 172_800, cloudflare: providerCapabilities.cloudflare.maxTtlSeconds } as const;

export interface DnsZonesArgs {
  /** The zone's domain, e.g. `example.com`. */
  domain: string;
  /**
   * Hosted zone id of a zone Route 53 already serves for `domain`: it is adopted (imported into
   * the stack on the first `pulumi up`, never deleted by it) instead of creating a second zone. An
   * existing zone keeps its name servers: Route 53 cannot move a zone onto a delegation set.
   * Defaults to creating the zone on a new reusable delegation set.
   */
  existingZoneId?: string;
  /** The Cloudflare secondary (incident 001: the same records on a second provider). */
  secondary: {
    /** Cloudflare account id (32 hex characters). Required. */
    accountId: string;
    /**
     * `active-active`: Cloudflare's name servers are listed at the registrar beside Route 53's
     * (Cloudflare's multi-provider DNS), and each zone's apex NS set lists both providers'.
     * `hot-standby`: same records, unlisted, ready for an NS change. Defaults to `active-active`.
     */
    mode?: SecondaryMode;
  };
}

/**
 * The stack's two DNS zones: Route 53 (primary) and Cloudflare (secondary). Constructed first: the
 * ingestion regions and the CDN validate their certificates through `primaryZoneId`. The served
 * records are rendered to both zones by `DnsRecords`, once the endpoints exist.
 *
 * A created Route 53 zone sits on a reusable delegation set, so its four name servers are known
 * once the set exists and survive a replacement of the zone: the registrar's entry is made once.
 * Route 53 refuses a second zone of the same name on the same delegation set
 * (`ConflictingDomainExists`, Route 53 API reference, CreateHostedZone), so a replaced zone is
 * deleted before its successor is created: a DNS outage for the names it serves, which the PR
 * diff calls out. `delegationSetId` is itself a replace-only property of the zone
 * (terraform-provider-aws `internal/service/route53/zone.go`, `delegation_set_id` ForceNew).
 */
export class DnsZones extends pulumi.ComponentResource {
  /** The zone's domain. */
  readonly domain: string;
  /** How the secondary takes part. */
  readonly mode: SecondaryMode;
  /** Route 53 hosted zone id. */
  readonly primaryZoneId: pulumi.Output<string>;
  /** Route 53 name servers (the delegation set's, or the adopted zone's own). */
  readonly primaryNameServers: pulumi.Output<string[]>;
  /** The reusable delegation set's id; undefined for an adopted zone. */
  readonly delegationSetId?: pulumi.Output<string>;
  /** Cloudflare zone id. */
  readonly secondaryZoneId: pulumi.Output<string>;
  /** Cloudflare name servers: listed at the registrar in active-active, kept for the switch in hot-standby. */
  readonly secondaryNameServers: pulumi.Output<string[]>;
  /** The name servers the registrar lists for the mode. */
  readonly registrarNameServers: pulumi.Output<string[]>;

  constructor(name: string, args: DnsZonesArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("edge:dns:DnsZones", name, {}, opts);
    this.domain = args.domain;
    this.mode = args.secondary.mode ?? "active-active";

    const comment = `Primary zone of the ${args.domain} ingestion edge, managed by Pulumi`;
    let primary: aws.route53.Zone;
    if (args.existingZoneId) {
      // Adopted: imported on the first `up` (a no-op once in the state), and left in Route 53 if the
      // stack lets go of it. An import fails when what the program declares differs from what
      // Route 53 returns, so what an existing zone may carry that the program cannot know is left
      // as it is: its comment, its tags, and the delegation set it was created on (replace-only:
      // a difference would replace the adopted zone). The zone's contract lists them
      // (`importReads` in models/aws/contracts.ts); the plan refuses an import that ignores fewer.
      primary = new aws.route53.Zone(
        `${name}-route53`,
        { name: args.domain, comment },
        { parent: this, import: args.existingZoneId, ignoreChanges: ["comment", "tags", "delegationSetId"], retainOnDelete: true },
      );
      this.primaryNameServers = primary.nameServers;
    } else {
      const delegationSet = new aws.route53.DelegationSet(`${name}-delegation-set`, { referenceName: args.domain }, { parent: this });
      // Route 53 deletes only an empty zone (HostedZoneNotEmpty), and the certificates' validation
      // records outlive their resources (`retainOnDelete`, components/certificate.ts), so a zone
      // the stack deletes or replaces holds records no step deletes: with forceDestroy the
      // provider deletes every record before the zone (terraform-provider-aws route53/zone.go,
      // `force_destroy`), so the delete path completes. Its first deploy sets it in place; until
      // then a replacement is refused by the update rehearsal (tools/diff/updateRehearsal.ts).
      primary = new aws.route53.Zone(`${name}-route53`, { name: args.domain, comment, delegationSetId: delegationSet.id, forceDestroy: true }, { parent: this, deleteBeforeReplace: true });
      this.delegationSetId = delegationSet.id;
      this.primaryNameServers = delegationSet.nameServers;
    }

    const secondary = new cloudflare.Zone(`${name}-cloudflare`, { account: { id: args.secondary.accountId }, name: args.domain, type: "full" }, { parent: this });

    // Multi-provider DNS lets Cloudflare activate and answer while another provider's NS are
    // listed too, and makes it serve the apex NS records below; CNAMEs stay CNAMEs (no flattening
    // beyond the apex), so both providers answer alike.
    // https://developers.cloudflare.com/dns/nameservers/nameserver-options/ ("Multi-provider DNS")
    const settings = new cloudflare.ZoneDnsSettings(
      `${name}-cloudflare-settings`,
      { zoneId: secondary.id, multiProvider: this.mode === "active-active", flattenAllCnames: false },
      { parent: secondary },
    );

    this.primaryZoneId = primary.zoneId;
    this.secondaryZoneId = secondary.id;
    this.secondaryNameServers = secondary.nameServers;
    if (this.mode === "active-active") {
      this.registrarNameServers = pulumi.all([this.primaryNameServers, secondary.nameServers]).apply(([a, b]) => [...a, ...b]);
      this.publishApexNameServers(name, primary, secondary, settings);
    } else {
      this.registrarNameServers = this.primaryNameServers;
    }
    this.registerOutputs({
      primaryZoneId: this.primaryZoneId,
      primaryNameServers: this.primaryNameServers,
      delegationSetId: this.delegationSetId,
      secondaryZoneId: this.secondaryZoneId,
      secondaryNameServers: this.secondaryNameServers,
      registrarNameServers: this.registrarNameServers,
    });
  }

  /**
   * In active-active both zones' apex NS sets list every server the registrar lists, so a resolver
   * that asks either provider learns the same delegation as the parent's (a child NS set that
   * disagrees with the parent's makes resolvers drop the other provider's servers when they
   * refresh the delegation from the child).
   */
  private publishApexNameServers(name: string, primary: aws.route53.Zone, secondary: cloudflare.Zone, settings: cloudflare.ZoneDnsSettings): void {
    // Route 53 creates the apex NS record with the zone; this record replaces its value.
    new aws.route53.Record(
      `${name}-route53-apex-ns`,
      { zoneId: primary.zoneId, name: this.domain, type: "NS", ttl: apexNsTtlSeconds.route53, records: this.registrarNameServers, allowOverwrite: true },
      { parent: primary },
    );
    // Cloudflare answers its own name servers at the apex; Route 53's four are added beside them.
    // A delegation set always has four servers, so the records are named by position in the
    // sorted set: the names are known before the servers are.
    const route53Sorted = this.primaryNameServers.apply((servers) => [...servers].sort());
    for (let i = 0; i < route53NameServerCount; i++) {
      new cloudflare.DnsRecord(
        `${name}-cloudflare-apex-ns-${i + 1}`,
        { zoneId: secondary.id, name: this.domain, type: "NS", ttl: apexNsTtlSeconds.cloudflare, content: route53Sorted.apply((servers) => servers[i]) },
        { parent: secondary, dependsOn: [settings] },
      );
    }
  }
}

/** Route 53 gives every hosted zone and delegation set four name servers. */
const route53NameServerCount = 4;
