/** The smallest stack config (only the fields without a safe default) and the problems a config has. */
import { parseStackConfig, StackConfigError } from "../../stacks/schema";

export const minimalStackConfig = {
  domain: "example.com",
  regions: ["us-east-1", "eu-west-1"],
  dns: { secondary: { accountId: "0123456789abcdef0123456789abcdef" } },
  alarms: { emails: ["oncall@example.com"] },
};

/** Every `edge:<path>: <message>` line the schema reports for `raw` (of stack `stack`); none for a valid config. */
export function configProblems(raw: Record<string, unknown>, stack?: string): string[] {
  try {
    parseStackConfig(raw, stack);
    return [];
  } catch (err) {
    if (err instanceof StackConfigError) return err.problems;
    throw err;
  }
}
