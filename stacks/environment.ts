/**
 * Which environment a stack is (`dev`, `prod`) and where that came from: decided once, here.
 *
 * Pure module: no Pulumi imports.
 */
import { shownValue } from "../models/shownValue";
import { configPath } from "./configIssues";

export const environments = ["dev", "prod"] as const;
export type Environment = (typeof environments)[number];

/** Where a stack's environment came from, as the plan prints it. */
export type EnvironmentSource = "the stack's name" | "edge:environment" | "the default";

export interface EnvironmentDecision {
  /** The environment the schema validates; undefined leaves it to the schema's default (`prod`). */
  environment: unknown;
  source: EnvironmentSource;
  /** Why the stack file contradicts its stack's name; undefined when it does not. */
  problem?: string;
}

function isEnvironment(value: unknown): value is Environment {
  return (environments as readonly unknown[]).includes(value);
}

/**
 * The one place a stack's environment is decided. A stack named after an environment (`dev`,
 * `prod`) is that environment, and a file that says another is refused: one word must not drop
 * prod's two-region rule (incident 002). Any other stack, and a file planned before it is a
 * stack (`stack` undefined), takes `edge:environment`, else `prod`, the stricter.
 */
export function decideEnvironment(stack: string | undefined, declared: unknown): EnvironmentDecision {
  if (isEnvironment(stack)) {
    if (declared === undefined) return { environment: stack, source: "the stack's name" };
    if (isEnvironment(declared) && declared !== stack) {
      return {
        environment: stack,
        source: "the stack's name",
        problem:
          `${configPath(["environment"])}: ${shownValue(declared)} in the stack named ${stack}: a stack named after an environment is that environment ` +
          `(incident 002: prod's rules must not be dropped by one word); set edge:environment to ${stack} or remove it, or plan this file under another stack name`,
      };
    }
  }
  return declared === undefined ? { environment: undefined, source: "the default" } : { environment: declared, source: "edge:environment" };
}
