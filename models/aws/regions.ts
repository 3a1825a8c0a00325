/**
 * The AWS regions a stack may name. The list is the `Region` enum of `@pulumi/aws` 7.48.0
 * (`types/enums/index.ts`, generated from the provider's region list; AWS documents the same codes
 * at https://docs.aws.amazon.com/global-infrastructure/latest/regions/aws-regions.html), so a
 * misspelt region (`us-east-7`, `eu-west1`) is refused before the plan instead of failing at
 * `pulumi up`. test/models/aws/regions.spec.ts fails when the installed `@pulumi/aws` knows a
 * region this list lacks.
 *
 * To use a region AWS opened after this list was written: add its code as one line below (keep
 * the order), then run `npm run docs`.
 *
 * Pure module: no Pulumi imports.
 */
import { availabilityZoneIdPrefix } from "../ingestRegion/availabilityZones";

export const awsRegions: readonly string[] = [
  "af-south-1",
  "ap-east-1",
  "ap-east-2",
  "ap-northeast-1",
  "ap-northeast-2",
  "ap-northeast-3",
  "ap-south-1",
  "ap-south-2",
  "ap-southeast-1",
  "ap-southeast-2",
  "ap-southeast-3",
  "ap-southeast-4",
  "ap-southeast-5",
  "ap-southeast-6",
  "ap-southeast-7",
  "ca-central-1",
  "ca-west-1",
  "cn-north-1",
  "cn-northwest-1",
  "eu-central-1",
  "eu-central-2",
  "eu-isoe-west-1",
  "eu-north-1",
  "eu-south-1",
  "eu-south-2",
  "eu-west-1",
  "eu-west-2",
  "eu-west-3",
  "eusc-de-east-1",
  "il-central-1",
  "me-central-1",
  "me-south-1",
  "mx-central-1",
  "sa-east-1",
  "us-east-1",
  "us-east-2",
  "us-gov-east-1",
  "us-gov-west-1",
  "us-iso-east-1",
  "us-iso-west-1",
  "us-isob-east-1",
  "us-isob-west-1",
  "us-isof-east-1",
  "us-isof-south-1",
  "us-west-1",
  "us-west-2",
];

const known = new Set(awsRegions);

/** Why `code` is not a region this program knows, with the fix; undefined when it is one. */
export function unknownRegionProblem(code: string): string | undefined {
  if (known.has(code)) return undefined;
  const shown = JSON.stringify(code.length > 40 ? `${code.slice(0, 40)}…` : code);
  return `${shown} is not an AWS region code (such as us-east-1); check its spelling, or add a region AWS opened since to models/aws/regions.ts`;
}

/**
 * A short code of a region for names with a length limit: its AZ ID prefix (`ap-southeast-1` →
 * `apse1`, AWS's own short form), else, for the codes of another shape (the isolated partitions),
 * its parts cut to four letters (`us-isof-south-1` → `usisofsout1`). At most 11 characters for
 * every region this list holds.
 */
export function shortRegionCode(region: string): string {
  return (
    availabilityZoneIdPrefix(region) ??
    region
      .split("-")
      .map((part) => part.slice(0, 4))
      .join("")
  );
}
