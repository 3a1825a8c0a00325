/**
 * The floor of the benchmark: a bare program that registers the resources the real program
 * registered (same types, names and inputs, so the mocks and the recorder do the same work), flat
 * under the stack, as plain `pulumi.CustomResource`s: no components, no models, no `apply`s.
 *
 * It loads the provider SDK modules of those types first (the SDKs load each resource class
 * lazily), so the module loading the real program pays is in the floor too. The worker hands the
 * resources over (floorHandoff.ts) before it evaluates this program.
 */
import * as pulumi from "@pulumi/pulumi";
import { takeFloorResources } from "./floorHandoff";

/** `aws:route53/record:Record` → `@pulumi/aws`'s `route53.Record` (`index` for top-level classes). */
function loadSdkClass(type: string): void {
  const [pkg, modulePath, kind] = type.split(":");
  if (pkg !== "aws" && pkg !== "cloudflare") return;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const sdk = require(`@pulumi/${pkg}`) as Record<string, Record<string, unknown>>;
  const module = modulePath.split("/")[0];
  void (module === "index" ? sdk[kind] : sdk[module]?.[kind]);
}

/** A provider resource of any type with no SDK class around it. */
class PlainResource extends pulumi.CustomResource {
  constructor(type: string, name: string, inputs: pulumi.Inputs) {
    super(type, name, inputs);
  }
}

const resources = takeFloorResources();
for (const type of new Set(resources.map((r) => r.type))) loadSdkClass(type);
const names = new Set<string>();
resources.forEach((r, i) => {
  const key = `${r.type}::${r.name}`;
  const name = names.has(key) ? `${r.name}-${i}` : r.name;
  names.add(`${r.type}::${name}`);
  new PlainResource(r.type, name, { ...r.inputs });
});
