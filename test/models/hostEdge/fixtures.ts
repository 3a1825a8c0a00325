/** A stack config with every default, and host settings from it, for the host edge tests. */
import { parseStackConfig, StackConfigInput } from "../../../stacks/schema";
import { HostEdgeSettings, hostEdgeSettings } from "../../../models/hostEdge";
import { withRegionPins } from "../../support/regionPins";

export function sampleSettings(overrides: Partial<StackConfigInput> = {}, vcpus = 2): HostEdgeSettings {
  const config = parseStackConfig(
    withRegionPins({
      domain: "example.com",
      regions: ["us-east-1", "eu-west-1"],
      dns: { secondary: { accountId: "0123456789abcdef0123456789abcdef" } },
      alarms: { emails: ["ops@example.com"] },
      ...overrides,
    }),
  );
  return hostEdgeSettings(config, vcpus);
}
