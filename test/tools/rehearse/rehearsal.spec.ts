/**
 * The reduced host rehearsal: the dev stack's first launch template, its user data unchanged,
 * booted with cloud-init under systemd in a Debian 12 image, against stand-ins of the AWS services
 * (`npm run rehearse` boots every template of dev and prod). The boot is made hard where EC2 is:
 * instance metadata answers the host's first three requests for its role's credentials 404, as just after a launch, and the datastore's
 * administrator grants the service's role only after the service has said what it lacks, so an
 * event acknowledged meanwhile must come out of the spool.
 * Then the same boot on a plan whose hosts' security group lost its datastore egress rule: the
 * host's network is the model's wiring of the plan, so the host boots into service and never
 * stores the event, and the report names that step and the rule.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { nodeRuntimePin } from "../../../tools/bundle/pins";
import { missingPrerequisites, renderReport } from "../../../tools/rehearse/main";
import { HostReport, rehearse } from "../../../tools/rehearse/rehearsal";
import { mutated } from "../../support/plannedNetwork";

const unavailable = missingPrerequisites();

describe("host rehearsal (dev, first launch template)", () => {
  let report: HostReport | undefined;
  const progress: string[] = [];

  beforeAll(async () => {
    if (unavailable) throw new Error(`the host rehearsal cannot run on this machine: ${unavailable}`);
    [report] = await rehearse({ stacks: ["dev"], maxTemplates: 1, grant: "after-first-event", credentialsMissingForRequests: 3, log: (line) => progress.push(line) });
  }, 900_000);
  afterAll(() => {
    if (report && !report.ok) process.stderr.write(`${renderReport(report)}\n`);
  });

  it("boots to in service with an event stored: cloud-init clean, no failed unit, health check 200 from the load balancer", () => {
    expect(report, progress.join("\n")).toBeDefined();
    expect(report!.problems, renderReport(report!)).toEqual([]);
    expect(report!.cloudInit).toMatch(/^status: done/);
    expect(report!.failedUnits).toEqual([]);
  });

  it("runs the service on the pinned Node.js LTS from the bundle, not the builder's", () => {
    expect(report!.runtime).toBe(`v${nodeRuntimePin.version}`);
  });

  it("fetches the bundle, installs it and serves within the group's health check grace period", () => {
    const seconds = Object.fromEntries(report!.timeline.map((s) => [s.step, s.seconds]));
    expect(seconds["bundle fetched"], renderReport(report!)).toBeGreaterThan(0);
    expect(seconds.installed).toBeGreaterThanOrEqual(seconds["bundle fetched"]!);
    expect(seconds["in service"]).toBeLessThan(report!.gracePeriodSeconds);
  });

  it("retried the role's credentials that instance metadata did not have yet", () => {
    expect(report!.requests.imds?.NotFound, renderReport(report!)).toBeGreaterThanOrEqual(3);
  });

  it("reached S3 and SSM through the plan's endpoints with signed calls the stand-ins accepted", () => {
    expect(report!.requests.s3?.OK).toBeGreaterThanOrEqual(1);
    expect(report!.requests.ssm?.OK).toBeGreaterThanOrEqual(1);
  });
});

describe("host rehearsal (dev, first launch template) on a plan without the hosts' datastore egress rule", () => {
  let report: HostReport | undefined;
  const progress: string[] = [];

  beforeAll(async () => {
    if (unavailable) throw new Error(`the host rehearsal cannot run on this machine: ${unavailable}`);
    [report] = await rehearse({
      stacks: ["dev"],
      maxTemplates: 1,
      grant: "before-boot",
      changePlan: (plan) => mutated(plan, (r) => /-hosts-out-datastore-/.test(r.name)),
      log: (line) => progress.push(line),
    });
  }, 900_000);

  it("boots into service, fetches its bundle, and never stores the event; the report names the step and the missing rule", () => {
    expect(report, progress.join("\n")).toBeDefined();
    const seconds = Object.fromEntries(report!.timeline.map((s) => [s.step, s.seconds]));
    expect(seconds["bundle fetched"], renderReport(report!)).toBeGreaterThan(0);
    expect(seconds["in service"], renderReport(report!)).toBeDefined();
    expect(seconds["event stored"]).toBeUndefined();
    expect(report!.ok).toBe(false);
    expect(report!.problems, renderReport(report!)).toEqual([
      expect.stringMatching(/^the plan closes host → datastore 10\.110\.0\.0\/16 port 5432: no egress rule of security group ingest-us-east-1-hosts admits tcp 5432 to 10\.110\.0\.0\/16/),
      expect.stringMatching(/^event stored: never: the event rehearsal-\w+ answered 200 but is not in PostgreSQL after 30 s$/),
    ]);
    expect(renderReport(report!)).toMatch(/event stored +never/);
  });
});
