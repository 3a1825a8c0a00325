/**
 * The post-mortems this stack exists to prevent (`docs/incidents/`), and every lesson the code
 * takes from them, each worded once. A policy ends its message with `incidentNote(<lesson>)`; docs
 * and comments cite the incident by its id ("incident 000").
 *
 * Pure module: no Pulumi imports.
 */

/** Each incident by id: what happened, in one line. */
export const incidents = {
  "000": "API downtime: both nginx load balancers swapped under a spike, the snippet hung on them, a one-day TTL kept traffic there",
  "001": "DynDNS: the primary DNS provider was attacked; the secondary's answers grew past 512 bytes and legacy resolvers failed",
  "002": "Mailgun: connections piled up on the datastore in one tracking region until it stopped answering",
  "003": "deploys: hosts must drain before they leave the pool, and connects must fail fast while reads may be long",
} as const;

export type IncidentId = keyof typeof incidents;

/** Every lesson a policy names: the incident it comes from and the one line that says it. */
export const lessons = {
  failoverTtl: { incident: "000", lesson: "a one-day TTL made it impossible to move traffic off failing load balancers" },
  proxyMemory: { incident: "000", lesson: "both nginx load balancers ran out of memory under a spike and swapped" },
  snippetOnApiHosts: {
    incident: "000",
    lesson: "the snippet was served by the API's load balancers, and when they fell over customers' pages hung on it",
  },
  alarmsUnheard: { incident: "000", lesson: "thresholds were crossed unseen until both load balancers swapped" },
  alarmsUncovered: { incident: "000", lesson: "thresholds had fallen by the wayside as the fleet grew, and nobody was warned" },
  thresholdsSenseless: { incident: "000", lesson: "thresholds that make no sense are thresholds fallen by the wayside" },
  warningAfterCritical: { incident: "000", lesson: "warning and critical thresholds exist to tell someone before the outage, not after" },
  alarmTopicUnreachable: { incident: "000", lesson: "an alarm that reaches nobody is no alarm" },
  nsTtl: { incident: "001", lesson: "the NS change to a secondary provider had to beat a 48-hour NS TTL" },
  secondaryParity: { incident: "001", lesson: "the secondary must answer exactly like the primary when the primary is attacked" },
  responseSize: { incident: "001", lesson: "answers past 512 bytes broke legacy clients" },
  cnameBytes: { incident: "001", lesson: "a CNAME in front of the name added 32 bytes more, past the limit again" },
  dnsAttackUnseen: { incident: "001", lesson: "the attack on DNS showed first as a fall in ingested volume, two hours after the provider saw it" },
  spike: { incident: "000", lesson: "traffic rose 8x in a spike, and the fleet must absorb it with its largest region lost" },
  regionFailure: { incident: "002", lesson: "a tracking region must be able to fail while the others carry its load" },
  datastoreConnections: { incident: "002", lesson: "connections piled up on the datastore until it stopped answering" },
  regionalDatastore: { incident: "002", lesson: "each tracking region writes to its own datastore; a region whose hosts cannot reach theirs acknowledges events it never stores" },
  secondRegion: { incident: "002", lesson: "tracking must run in two independent regions" },
  hostFailover: { incident: "003", lesson: "a host that fails or leaves must be out of the pool, its requests served elsewhere, before clients give up" },
} as const satisfies Record<string, { incident: IncidentId; lesson: string }>;

export type Lesson = keyof typeof lessons;

/** The sentence a policy message ends with: `Incident 000: <lesson>.` */
export function incidentNote(lesson: Lesson): string {
  const { incident, lesson: text } = lessons[lesson];
  return `Incident ${incident}: ${text}.`;
}
