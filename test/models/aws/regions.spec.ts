import { Region } from "@pulumi/aws/types/enums";
import { describe, expect, it } from "vitest";
import { awsRegions, unknownRegionProblem } from "../../../models/aws/regions";

describe("awsRegions", () => {
  it("holds every region the installed @pulumi/aws knows, in order, once", () => {
    expect(awsRegions).toEqual(expect.arrayContaining(Object.values(Region)));
    expect([...awsRegions]).toEqual([...new Set(awsRegions)].sort());
  });

  it("refuses a misspelt code with the value and the fix", () => {
    expect(unknownRegionProblem("us-east-1")).toBeUndefined();
    expect(unknownRegionProblem("us-east-7")).toBe('"us-east-7" is not an AWS region code (such as us-east-1); check its spelling, or add a region AWS opened since to models/aws/regions.ts');
  });
});
