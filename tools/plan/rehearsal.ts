/**
 * The plan's own findings about deploying it, beside the policy pack's (which judges resources,
 * not the engine's steps): what adopting an existing resource (`import`) would fail on, and, given
 * the plan of what is deployed (`--base`), every step of the update the cloud's API would refuse or
 * could not undo (the update rehearsal the diff and pr-check run too).
 */
import { apiContracts, importProblems } from "../../models/contracts";
import { diffPlans } from "../diff/planDiff";
import { refusalFinding } from "../diff/updateRehearsal";
import type { PolicyViolation } from "./analyzer";
import type { PlannedResource } from "./evaluate";
import type { PlanJson } from "./planJson";

/** The plan's findings appear under this name, beside the pack's policies. */
export const rehearsalPolicyName = "rehearse-deploy";
const packName = "edge-plan";

const finding = (urn: string, subject: string, message: string): PolicyViolation => ({
  policyName: rehearsalPolicyName,
  policyPackName: packName,
  enforcementLevel: "mandatory",
  urn,
  subject,
  message,
});

/** What adopting each imported resource would fail on (its type's `importReads` it neither sets nor ignores). */
export function importFindings(resources: PlannedResource[]): PolicyViolation[] {
  return resources.flatMap((r) => {
    const contract = apiContracts[r.type];
    if (!r.options.importId || !contract) return [];
    return importProblems(contract, r.type, r.name, r.inputs, r.options.ignoreChanges).map((p) => finding(r.urn, `import: ${p.property}`, p.message));
  });
}

/** Each step of the update from `base` to `head` the API refuses or cannot undo, as a finding on its resource. */
export function updateFindings(base: PlanJson, head: PlanJson): PolicyViolation[] {
  return diffPlans(base, head).rehearsal.refusals.map((refusal) => {
    const { urn, subject, message } = refusalFinding(refusal);
    return finding(urn, subject, message);
  });
}
