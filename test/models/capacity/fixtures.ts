/** A validated stack config for the capacity tests, every default applied. */
import { parseStackConfig, StackConfig, StackConfigInput } from "../../../stacks/schema";
import { withRegionPins } from "../../support/regionPins";

export function sampleConfig(overrides: Partial<StackConfigInput> = {}): StackConfig {
  return parseStackConfig(
    withRegionPins({
      domain: "example.com",
      regions: ["us-east-1", "eu-west-1"],
      dns: { secondary: { accountId: "0123456789abcdef0123456789abcdef" } },
      alarms: { emails: ["ops@example.com"] },
      ...overrides,
    }),
  );
}
