/**
 * Model fidelity: the DNS wire-size model against the bytes a real NSD sends, and the nginx memory
 * model against the RSS of a real nginx, each on the helpers their own issues built and tested.
 * A check that cannot run (a server not installed, a helper missing) says so in its result rather
 * than failing the benchmark.
 */
import { projectRoot } from "../../tools/plan/plan";
import { benchStackConfig, BenchSize } from "../stacks";
import { dnsFidelity } from "./dns";
import { nginxFidelity } from "./nginx";

/** The generated stack whose every DNS name is checked against NSD, beside the prod stack. */
export const dnsFidelitySize: BenchSize = { regions: 3, records: 2000 };

export interface FidelityResult {
  model: string;
  case: string;
  /** Whether the model held to its bound on this case; undefined when it could not be checked. */
  held?: boolean;
  detail: string;
  /** The model's number and the real server's (bytes), where the check measured one. */
  predicted?: number;
  measured?: number;
}

async function guarded(model: string, check: () => Promise<FidelityResult[]>): Promise<FidelityResult[]> {
  try {
    return await check();
  } catch (err) {
    return [{ model, case: "-", detail: `could not be checked: ${(err as Error)?.message ?? err}` }];
  }
}

export async function fidelityChecks(): Promise<FidelityResult[]> {
  return [
    ...(await guarded("DNS wire size", () => dnsFidelity(`${dnsFidelitySize.regions} regions / ${dnsFidelitySize.records} records`, benchStackConfig(dnsFidelitySize)))),
    ...(await guarded("nginx memory", () => nginxFidelity(projectRoot))),
  ];
}

export function renderFidelity(results: FidelityResult[]): string[] {
  return results.map((r) => `${r.held === undefined ? "n/a   " : r.held ? "held  " : "FAILED"}  ${r.model}, ${r.case}: ${r.detail}`);
}

export function fidelityMarkdown(results: FidelityResult[]): string[] {
  if (results.length === 0) return [];
  return [
    "| model | case | result | detail |",
    "| --- | --- | --- | --- |",
    ...results.map((r) => `| ${r.model} | ${r.case} | ${r.held === undefined ? "not checked" : r.held ? "held" : "**failed**"} | ${r.detail} |`),
  ];
}
