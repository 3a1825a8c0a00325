/**
 * enable-query-logging — mandatory. Incident 001: the attack on DNS showed first as a fall in
 * ingested volume; what resolvers asked was recorded nowhere the team could read.
 *
 * Every public Route 53 zone logs the queries it answers (an `aws.route53.QueryLog` naming it,
 * into a CloudWatch Logs group in us-east-1; `DnsQueryLog` declares both). Private zones are not
 * judged. Controls: policies/metadata.ts.
 */
import { incidentNote } from "../../models/incidents";
import { resourceTypes } from "../../models/resourceTypes";
import { cite } from "../metadata";
import { stackRulePolicy } from "../stackRule";
import { refersTo } from "../stackRefs";

const name = "enable-query-logging";

export const enableQueryLogging = stackRulePolicy({
  name,
  description: "Every public Route 53 zone logs the DNS queries it answers (incident 001).",
  types: [resourceTypes.route53Zone],
  judge(zone, stack) {
    if (Array.isArray(zone.props.vpcs) && zone.props.vpcs.length > 0) return undefined;
    const logged = stack.some((r) => r.type === resourceTypes.route53QueryLog && refersTo(r, "zoneId", r.props.zoneId, zone, ["zoneId", "id"]));
    if (logged) return undefined;
    return (
      `Route 53 zone ${zone.name} (${zone.props.name ?? "?"}) logs no queries: no aws.route53.QueryLog names it (required 1). The queries of an attack on the zone go unrecorded. ` +
      `Add a query log into a us-east-1 log group (DnsQueryLog). ${cite(name, "queryLog")} ${incidentNote("dnsAttackUnseen")}`
    );
  },
});
