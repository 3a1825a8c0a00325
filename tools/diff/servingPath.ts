/**
 * The edge's serving path as a graph, read from a plan's resources: clients → DNS (the Route 53
 * and the Cloudflare zone) → each region's load balancer → its hosts → the datastore they write to,
 * and the CDN (CloudFront) → its origins. The plan prints it as text; the PR diff draws it as a
 * Mermaid flowchart with each node's change and the outage a change causes marked, so a reviewer
 * sees at a glance which regions stop serving together.
 *
 * Pure module: no Pulumi imports.
 */
import { readDeclaredFleet } from "../../models/capacity/declared";
import type { DeclaredResource } from "../../models/declaredResource";
import { resourceTypes as t } from "../../models/resourceTypes";

/** A resource as both the plan and its JSON describe it. */
export type PathResource = DeclaredResource & { name: string };

export type PathNodeKind = "clients" | "dns" | "loadBalancer" | "hosts" | "datastore" | "cdn" | "origin";

export interface PathNode {
  /** Stable within a plan and between two plans of one stack: kind and what it stands for. */
  id: string;
  kind: PathNodeKind;
  label: string;
  region?: string;
  /** The resources the node stands for (their URNs): their changes are the node's. */
  urns: string[];
}

export interface ServingGraph {
  nodes: PathNode[];
  edges: [from: string, to: string][];
}

const safeId = (text: string) => text.replace(/[^A-Za-z0-9_]/g, "_");

/** The serving path of a plan's resources; a region is one whose load balancer or hosts exist. */
export function servingGraph(resources: PathResource[]): ServingGraph {
  const nodes: PathNode[] = [{ id: "clients", kind: "clients", label: "clients", urns: [] }];
  const edges: [string, string][] = [];
  const of = (type: string) => resources.filter((r) => r.type === type);
  const dns = [...of(t.route53Zone), ...of(t.cloudflareZone)].map(
    (zone): PathNode => ({
      id: `dns_${safeId(zone.name)}`,
      kind: "dns",
      label: `${zone.type === t.route53Zone ? "Route 53" : "Cloudflare"} ${String(zone.inputs.name ?? zone.name)}`,
      urns: [zone.urn],
    }),
  );
  nodes.push(...dns);
  for (const d of dns) edges.push(["clients", d.id]);
  const regions = [...new Set([...of(t.lbLoadBalancer), ...of(t.autoscalingGroup)].map((r) => r.region).filter((r): r is string => !!r))];
  const datastores = new Map<string, PathNode>();
  for (const region of regions) {
    const inRegion = (type: string) => of(type).filter((r) => r.region === region);
    const balancers = inRegion(t.lbLoadBalancer);
    const listeners = [...inRegion(t.lbListener), ...inRegion(t.lbTargetGroup), ...inRegion(t.ec2Eip)];
    const groups = inRegion(t.autoscalingGroup);
    const lb: PathNode = {
      id: `lb_${safeId(region)}`,
      kind: "loadBalancer",
      region,
      label: `${region}: NLB ${balancers.map((b) => b.name).join(", ") || "(none)"}`,
      urns: [...balancers, ...listeners].map((r) => r.urn),
    };
    const fleet = groups.map((g) => ({ group: g, declared: readDeclaredFleet(g.inputs as Record<string, any>) }));
    const sizes = fleet.map(({ declared, group }) => `${declared?.minHosts ?? group.inputs.minSize}–${declared?.maxHosts ?? group.inputs.maxSize} × ${declared?.instanceType ?? "?"}`);
    const hosts: PathNode = {
      id: `hosts_${safeId(region)}`,
      kind: "hosts",
      region,
      label: `${region}: hosts ${sizes.join(", ") || "(none)"}`,
      urns: [...groups, ...inRegion(t.ec2LaunchTemplate)].map((r) => r.urn),
    };
    nodes.push(lb, hosts);
    for (const d of dns) edges.push([d.id, lb.id]);
    edges.push([lb.id, hosts.id]);
    for (const { declared } of fleet) {
      if (!declared?.datastore) continue;
      const id = `db_${safeId(declared.datastore)}`;
      if (!datastores.has(id)) {
        const node: PathNode = { id, kind: "datastore", label: `datastore ${declared.datastore.split(".")[0]}`, urns: [] };
        datastores.set(id, node);
        nodes.push(node);
      }
      edges.push([hosts.id, id]);
    }
  }
  for (const distribution of of(t.cloudfrontDistribution)) {
    const cdn: PathNode = { id: `cdn_${safeId(distribution.name)}`, kind: "cdn", label: `CDN ${distribution.name}`, urns: [distribution.urn] };
    nodes.push(cdn);
    for (const d of dns) edges.push([d.id, cdn.id]);
    const origins = Array.isArray(distribution.inputs.origins) ? (distribution.inputs.origins as Record<string, unknown>[]) : [];
    // The buckets the origins take their domain names from; each origin's is the one whose name its domain holds (the longest, of names that share a start).
    const from = new Set(distribution.propertyDependencies?.origins ?? []);
    const buckets = resources.filter((r) => r.type === t.s3Bucket && (from.size === 0 || from.has(r.urn)));
    for (const origin of origins) {
      const domain = String(origin.domainName ?? "");
      const bucket = buckets.filter((r) => domain.includes(String(r.inputs.bucket ?? r.name))).sort((a, b) => String(b.inputs.bucket ?? b.name).length - String(a.inputs.bucket ?? a.name).length)[0];
      const node: PathNode = {
        id: `origin_${safeId(String(origin.originId ?? domain))}`,
        kind: "origin",
        label: `origin ${String(origin.originId ?? "")}${bucket ? ` (bucket ${bucket.name}${bucket.region ? ` [${bucket.region}]` : ""})` : ""}`,
        region: bucket?.region ?? undefined,
        urns: bucket ? [bucket.urn] : [],
      };
      nodes.push(node);
      edges.push([cdn.id, node.id]);
    }
  }
  return { nodes, edges };
}

/** What a node's resources do in a change, worst first. */
export type NodeChange = "down" | "deleted" | "replaced" | "created" | "updated" | "same";

/** The graph as plain lines, one path per region and one for the CDN: what the plan prints. */
export function servingGraphLines(graph: ServingGraph, change: (node: PathNode) => NodeChange = () => "same"): string[] {
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const mark = (n: PathNode) => {
    const c = change(n);
    return c === "same" ? n.label : `${n.label} [${c === "down" ? "OUTAGE" : c}]`;
  };
  const next = (id: string, kind: PathNodeKind) => graph.edges.filter(([from, to]) => from === id && byId.get(to)?.kind === kind).map(([, to]) => byId.get(to)!);
  const dns = graph.nodes.filter((n) => n.kind === "dns");
  const lines = [`clients → ${dns.map(mark).join(" | ") || "(no DNS zone)"}`];
  for (const lb of graph.nodes.filter((n) => n.kind === "loadBalancer")) {
    const hosts = next(lb.id, "hosts");
    const stores = hosts.flatMap((h) => next(h.id, "datastore"));
    lines.push(`  → ${mark(lb)} → ${hosts.map(mark).join(", ")}${stores.length ? ` → ${stores.map(mark).join(", ")}` : ""}`);
  }
  for (const cdn of graph.nodes.filter((n) => n.kind === "cdn")) {
    lines.push(`  → ${mark(cdn)} → ${next(cdn.id, "origin").map(mark).join(" | ")}`);
  }
  return lines;
}

const mermaidClass: Record<Exclude<NodeChange, "same">, string> = {
  down: "fill:#f8d7da,stroke:#b02a37,stroke-width:3px",
  deleted: "fill:#e2e3e5,stroke:#6c757d,stroke-dasharray:4",
  replaced: "fill:#fff3cd,stroke:#997404",
  created: "fill:#d1e7dd,stroke:#146c43",
  updated: "fill:#cfe2ff,stroke:#0a58ca",
};

/** Text as a Mermaid node label: quoted, with what would end the quote or open markup escaped. */
const mermaidLabel = (text: string) => `"${text.replace(/"/g, "#quot;").replace(/</g, "#lt;").replace(/>/g, "#gt;")}"`;

/**
 * The graph as a Mermaid flowchart (GitHub renders a ```mermaid fence in a comment): each node
 * classed by its change, an outage in red with a thick border, a deleted node dashed.
 */
export function servingGraphMermaid(graph: ServingGraph, change: (node: PathNode) => NodeChange): string[] {
  const lines = ["flowchart LR"];
  for (const n of graph.nodes) {
    const c = change(n);
    const suffix = c === "same" ? "" : c === "down" ? " — OUTAGE" : ` — ${c}`;
    lines.push(`  ${n.id}[${mermaidLabel(`${n.label}${suffix}`)}]`);
  }
  for (const [from, to] of graph.edges) lines.push(`  ${from} --> ${to}`);
  const used = new Set(graph.nodes.map(change).filter((c): c is Exclude<NodeChange, "same"> => c !== "same"));
  for (const [c, style] of Object.entries(mermaidClass)) if (used.has(c as Exclude<NodeChange, "same">)) lines.push(`  classDef ${c} ${style}`);
  for (const c of used) {
    const ids = graph.nodes.filter((n) => change(n) === c).map((n) => n.id);
    lines.push(`  class ${ids.join(",")} ${c}`);
  }
  return lines;
}

/** The serving path of both sides of a change, each node's change, and the regions it takes down. */
export interface ServingPathDiff {
  /** The head's nodes and edges, with the base's that the head no longer has. */
  graph: ServingGraph;
  /** Each node's change, by node id; `same` left out. */
  changes: Record<string, NodeChange>;
}

/** What a change (`resources`, by op and URN) does to each node; `down` for the load balancers of `downRegions`. */
export function servingPathDiff(
  base: { resources: (PathResource & { custom: boolean })[] },
  head: { resources: (PathResource & { custom: boolean })[] },
  resources: { op: "create" | "delete" | "update" | "replace"; urn: string }[],
  downRegions: string[],
): ServingPathDiff {
  const custom = (plan: typeof base) => plan.resources.filter((r) => r.custom);
  const before = servingGraph(custom(base));
  const after = servingGraph(custom(head));
  const headIds = new Set(after.nodes.map((n) => n.id));
  const baseIds = new Set(before.nodes.map((n) => n.id));
  const graph: ServingGraph = {
    nodes: [...after.nodes, ...before.nodes.filter((n) => !headIds.has(n.id))],
    edges: [...after.edges, ...before.edges.filter(([from, to]) => !headIds.has(from) || !headIds.has(to))],
  };
  const opOf = new Map(resources.map((r) => [r.urn, r.op]));
  const rank: NodeChange[] = ["down", "deleted", "replaced", "created", "updated", "same"];
  const fromOp = { delete: "deleted", replace: "replaced", create: "created", update: "updated" } as const;
  const changes: Record<string, NodeChange> = {};
  for (const node of graph.nodes) {
    let change: NodeChange = "same";
    if (!headIds.has(node.id)) change = "deleted";
    else if (!baseIds.has(node.id)) change = "created";
    else {
      for (const urn of node.urns) {
        const op = opOf.get(urn);
        if (op && rank.indexOf(fromOp[op]) < rank.indexOf(change)) change = fromOp[op];
      }
    }
    if (node.kind === "loadBalancer" && node.region && downRegions.includes(node.region)) change = "down";
    if (change !== "same") changes[node.id] = change;
  }
  return { graph, changes };
}
