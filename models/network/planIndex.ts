/**
 * The plan's resources indexed by URN and type, with the references between them followed by
 * property dependencies (which a preview records before any id exists), and the readers of the
 * loosely typed property values the network model takes.
 *
 * Pure module: no Pulumi imports.
 */
import { NetworkResource } from "./networkTypes";

/** A number or numeric string, else `fallback`. */
export const asNumber = (value: unknown, fallback: number) =>
  typeof value === "number" && Number.isFinite(value) ? value : typeof value === "string" && value.trim() !== "" && Number.isFinite(Number(value)) ? Number(value) : fallback;
export const asString = (value: unknown) => (typeof value === "string" ? value : undefined);

/** The plan's resources by URN and by type. */
export class Index {
  readonly byUrn: Map<string, NetworkResource>;
  private readonly byType = new Map<string, NetworkResource[]>();
  constructor(readonly resources: NetworkResource[]) {
    this.byUrn = new Map(resources.map((r) => [r.urn, r]));
    for (const r of resources) {
      const list = this.byType.get(r.type) ?? [];
      list.push(r);
      this.byType.set(r.type, list);
    }
  }
  ofType(type: string): NetworkResource[] {
    return this.byType.get(type) ?? [];
  }
  /** The resources of `types` that property `key` of `r` took outputs of. */
  refs(r: NetworkResource, key: string, ...types: string[]): NetworkResource[] {
    return (r.propertyDependencies?.[key] ?? []).map((urn) => this.byUrn.get(urn)).filter((d): d is NetworkResource => !!d && (types.length === 0 || types.includes(d.type)));
  }
  ref(r: NetworkResource, key: string, ...types: string[]): NetworkResource | undefined {
    return this.refs(r, key, ...types)[0];
  }
}
