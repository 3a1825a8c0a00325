/** What parsing a stack config ends in, for the property tests: a config, or its problem lines. */
import { parseStackConfig, StackConfig, StackConfigError } from "../../stacks/schema";

export type Outcome = { ok: true; config: StackConfig } | { ok: false; problems: string[] };

/** Parses `raw` (as stack `stack`); any exception other than a StackConfigError fails the test, naming the input. */
export function outcome(raw: Record<string, unknown>, stack?: string): Outcome {
  try {
    return { ok: true, config: parseStackConfig(raw, stack) };
  } catch (err) {
    if (err instanceof StackConfigError) return { ok: false, problems: err.problems };
    throw new Error(`parseStackConfig threw ${(err as Error)?.name}: ${(err as Error)?.message} for ${JSON.stringify(raw).slice(0, 500)}`);
  }
}

/** `edge:<path>: <message>` on one line; odd keys are quoted (`edge:[" "]`). */
export const problemLine = /^edge:(?:[A-Za-z0-9_.\-]|\[\d+\]|\["(?:[^"\\]|\\.)*"\])+: \S[^\n]*$/;
