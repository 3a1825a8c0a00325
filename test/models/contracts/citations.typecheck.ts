/**
 * Checked by the type checker (`npm test` runs `tsc --noEmit` over the tests): a citation of a
 * provider file, declaration file or API page nobody read is a type error. If one of these lines
 * stops being one, `@ts-expect-error` itself fails the check.
 */
import { apiPage, awsAttribute, awsLine, installedAws } from "../../../models/providerSources";

export const cited = [
  awsAttribute("elbv2/load_balancer.go", "name", "ValidateFunc"),
  // @ts-expect-error: a provider file not in the table of files read
  awsAttribute("elbv2/not_read.go", "name", "ValidateFunc"),
  // @ts-expect-error: a provider file not in the table of files read
  awsLine("s3/bucket_notification.go", 10),
  // @ts-expect-error: a declaration file not in the list of those read
  installedAws("ec2/natGateway.d.ts", 1, "NatGatewayArgs.subnetId"),
  // @ts-expect-error: an API page not in the table of pages read
  apiPage("ec2/CreateNatGateway", "a page nobody read"),
];
