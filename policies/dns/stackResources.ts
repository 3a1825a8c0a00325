/** Stack-policy resources as the DNS models read them: declared resources, their `props` as inputs. */
import type { PolicyResource } from "@pulumi/policy";
import { type DeclaredResource, fromPolicyResource } from "../../models/declaredResource";

export function asPlanned(resources: PolicyResource[]): DeclaredResource[] {
  return resources.map(fromPolicyResource);
}
