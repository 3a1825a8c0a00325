/**
 * A stack policy's finding: the message, the URN of the resource its number comes from, and a
 * subject (a DNS query, a region, a config key) that stays the same while the numbers move.
 *
 * @pulumi/policy's `reportViolation(message, urn)` carries no subject, so the subject travels as
 * the message's last line, `subject: <subject>`: a person reading `pulumi preview` sees what the
 * finding is about, and the offline plan (`tools/plan/analyzer.ts`) splits it off again with
 * `splitSubject`. The PR diff pairs the findings of two plans by policy, URN and subject, so a
 * change that fixes one DNS answer and breaks another reads as one fixed and one new finding.
 */
import type { ReportViolation } from "@pulumi/policy";

export interface Finding {
  /** The resource the finding's number comes from. */
  urn: string;
  /** What the finding is about within that resource, without numbers that move: `api.example.com A (route53)`. */
  subject: string;
  message: string;
}

const subjectLine = "\nsubject: ";

/** Reports a finding as `message` + `\nsubject: …`, on its resource. */
export function reportFinding(report: ReportViolation, finding: Finding): void {
  report(`${finding.message}${subjectLine}${finding.subject}`, finding.urn);
}

/** A reported message split into its text and its subject (empty when it names none). */
export function splitSubject(reported: string): { message: string; subject: string } {
  const at = reported.lastIndexOf(subjectLine);
  if (at < 0 || reported.indexOf("\n", at + 1) >= 0) return { message: reported, subject: "" };
  return { message: reported.slice(0, at), subject: reported.slice(at + subjectLine.length) };
}
