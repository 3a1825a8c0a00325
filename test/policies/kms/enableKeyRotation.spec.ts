import { describe, expect, it } from "vitest";
import { enableKeyRotation } from "../../../policies/kms/enableKeyRotation";
import { runResourcePolicy } from "../harness";
import { resourceTypes } from "../../../models/resourceTypes";

const compliant = { description: "alarm topic", enableKeyRotation: true, rotationPeriodInDays: 365 };
const run = (props: Record<string, unknown>) => runResourcePolicy(enableKeyRotation, { type: resourceTypes.kmsKey, props, name: "alarms-key" });
const fix = "Set enableKeyRotation: true (rotationPeriodInDays at most 365). Security baseline (KMS.4, CKV_AWS_7, AVD-AWS-0065).";
const period = "Set enableKeyRotation: true (rotationPeriodInDays at most 365). Security baseline.";

describe("enable-kms-key-rotation", () => {
  it("accepts a rotating symmetric key, and does not judge asymmetric keys", async () => {
    expect(await run(compliant)).toEqual([]);
    expect(await run({ customerMasterKeySpec: "RSA_2048", keyUsage: "SIGN_VERIFY" })).toEqual([]);
  });

  it("refuses a key without rotation", async () => {
    expect(await run({ ...compliant, enableKeyRotation: false })).toEqual([`KMS key alarms-key does not rotate its key material (enableKeyRotation is false). ${fix}`]);
    expect((await run({ description: "x" }))[0]).toContain("(enableKeyRotation is not set)");
  });

  it("refuses a rotation period over a year", async () => {
    expect(await run({ ...compliant, rotationPeriodInDays: 2560 })).toEqual([`KMS key alarms-key rotates every 2560 days; the limit is 365. ${period}`]);
  });
});
