/** Stack-policy resources as the DNS models read them: type plus outputs (`props`) as inputs. */
import type { PolicyResource } from "@pulumi/policy";

export function asPlanned(resources: PolicyResource[]): { type: string; inputs: Record<string, any>; urn: string }[] {
  return resources.map((r) => ({ type: r.type, inputs: r.props, urn: r.urn }));
}
