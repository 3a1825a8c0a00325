/**
 * enforce-api-contracts — mandatory. The first real `pulumi up` must succeed: a value the cloud's
 * API refuses stops the deploy midway, with part of the edge created.
 *
 * Every resource is held against the contract of its type (`models/contracts`): each property the
 * program sets (and each name the provider derives from the resource's name, as the bridge's
 * AutoName does) within what the API accepts (ranges, lengths, character sets, enumerations, list
 * sizes, required and exclusive combinations), and every name that must be unique in an account
 * carrying the stack's name, so a second stack in the same account cannot take over the first's.
 * The finding names the resource, the property, the value, what the API accepts and who says so.
 */
import { ResourceValidationPolicy } from "@pulumi/policy";
import { apiContracts, judgeContract, stackOfUrn } from "../../models/contracts";
import { reportFinding } from "../finding";

export const enforceApiContracts: ResourceValidationPolicy = {
  name: "enforce-api-contracts",
  description: "Every property the program sets is within what the cloud's API accepts, and account-unique names carry the stack's name.",
  enforcementLevel: "mandatory",
  validateResource: (args, reportViolation) => {
    const contract = apiContracts[args.type];
    // A type without a contract is one this program does not declare (a test holds every declared type to one).
    if (!contract) return;
    for (const finding of judgeContract(contract, args.type, args.name, stackOfUrn(args.urn), args.props)) {
      reportFinding(reportViolation, {
        urn: args.urn,
        subject: finding.path || "(combination)",
        message: `${finding.message}. Set a value the API accepts; otherwise \`pulumi up\` stops at this resource with part of the edge changed.`,
      });
    }
  },
};
