import { describe, expect, it } from "vitest";
import { familyBySize, instanceTypeSpec, instanceTypes } from "../../../models/capacity";

describe("instance-type table", () => {
  it("knows the common families with EC2's vCPU and memory figures", () => {
    expect(instanceTypeSpec("c6i.large")).toEqual({ vcpus: 2, memoryMiB: 4096 });
    expect(instanceTypeSpec("c6i.xlarge")).toEqual({ vcpus: 4, memoryMiB: 8192 });
    expect(instanceTypeSpec("c5.9xlarge")).toEqual({ vcpus: 36, memoryMiB: 73728 });
    expect(instanceTypeSpec("m7i.2xlarge")).toEqual({ vcpus: 8, memoryMiB: 32768 });
    expect(instanceTypeSpec("r6i.large")).toEqual({ vcpus: 2, memoryMiB: 16384 });
    expect(instanceTypeSpec("t3.micro")).toEqual({ vcpus: 2, memoryMiB: 1024 });
    for (const family of ["c5", "c6i", "c7i", "m5", "m6i", "m7i", "r6i", "t3"]) {
      expect(Object.keys(instanceTypes).some((t) => t.startsWith(`${family}.`))).toBe(true);
    }
  });

  it("does not know what it was not told", () => {
    expect(instanceTypeSpec("x9z.huge")).toBeUndefined();
  });

  it("lists a family smallest first", () => {
    expect(familyBySize("t3.small").slice(0, 4)).toEqual(["t3.nano", "t3.micro", "t3.small", "t3.medium"]);
  });
});
