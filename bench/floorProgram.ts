/**
 * The floor of the benchmark: a bare program that registers the resources the real program
 * registered, flat under the stack, with no components, no models and no `apply`s: each provider
 * resource as its plain SDK class (`new aws.route53.Record(name, inputs)`) with the inputs the
 * program gave it, each component as a plain custom resource. The mocks and the recorder do the
 * same work as for the program, and the SDK classes cost what they cost the program (each creates
 * an output for every property of its type); what is left between the two is our own code.
 *
 * It constructs them at the program's pace (`inBatches`, components/pacing.ts).
 *
 * The worker hands the resources over (floorHandoff.ts) before it evaluates this program.
 */
import * as pulumi from "@pulumi/pulumi";
import { inBatches } from "../components/pacing";
import { takeFloorResources } from "./floorHandoff";

type SdkClass = new (name: string, args: Record<string, unknown>) => pulumi.CustomResource;

/** `aws:route53/record:Record` → `@pulumi/aws`'s `route53.Record` (`index` for top-level classes). */
function sdkClass(type: string): SdkClass | undefined {
  const [pkg, modulePath, kind] = type.split(":");
  if (pkg !== "aws" && pkg !== "cloudflare") return undefined;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const sdk = require(`@pulumi/${pkg}`) as Record<string, Record<string, unknown>>;
  const module = modulePath.split("/")[0];
  return (module === "index" ? sdk[kind] : sdk[module]?.[kind]) as SdkClass | undefined;
}

/** A resource of any type with no SDK class around it: the program's components, here flat. */
class PlainResource extends pulumi.CustomResource {
  constructor(type: string, name: string, inputs: pulumi.Inputs) {
    super(type, name, inputs);
  }
}

export = async () => {
  const resources = takeFloorResources();
  const classes = new Map([...new Set(resources.map((r) => r.type))].map((type) => [type, sdkClass(type)]));
  const names = new Set<string>();
  await inBatches(resources, (r, i) => {
    // Flat, two resources of one type and name (under different parents in the program) need two names.
    const key = `${r.type}::${r.name}`;
    const name = names.has(key) ? `${r.name}-${i}` : r.name;
    names.add(`${r.type}::${name}`);
    const Class = classes.get(r.type);
    if (Class) new Class(name, { ...r.inputs });
    else new PlainResource(r.type, name, { ...r.inputs });
  });
  return {};
};
