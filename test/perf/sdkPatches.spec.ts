/**
 * Protects: the offline plan's patches of Pulumi SDK internals (`tools/plan/evaluate.ts`,
 * `tools/plan/deferredSdkImports.ts`). Each targets a private or internal name that a new SDK may
 * rename; the plan then still runs, only slower or with different URNs. Each case below names one
 * patch and fails when it no longer takes hold in the installed SDK (README: "Upgrading the Pulumi SDK").
 */
import { readFileSync } from "node:fs";
import Module = require("node:module");
import * as pulumi from "@pulumi/pulumi";
import { MockMonitor } from "@pulumi/pulumi/runtime/mocks";
import { describe, expect, it } from "vitest";
import { mockRuntime } from "../support/mockRuntime";

const sdkSource = (path: string) => readFileSync(require.resolve(`@pulumi/pulumi/${path}`), "utf8");
const resolved = <T>(output: pulumi.Output<T>) => new Promise<T>((resolve) => output.apply(resolve));

describe("the plan's patches of SDK internals", () => {
  it("MockMonitor.newUrn (evaluate.ts, RecordingMonitor): the mock monitor's URN helper is overridden", async () => {
    expect(typeof (MockMonitor.prototype as unknown as { newUrn?: unknown }).newUrn, "MockMonitor.prototype.newUrn").toBe("function");
    const runtime = await mockRuntime();
    const parent = new pulumi.ComponentResource("edge:test:Parent", "p");
    const child = new pulumi.ComponentResource("edge:test:Child", "c", {}, { parent });
    // The engine's URN carries the parent's type; the SDK's own mock leaves it out.
    expect(await resolved(child.urn)).toBe("urn:pulumi:test::edge::edge:test:Parent$edge:test:Child::c");
    // runtime.waitForRPCs (evaluate.ts, settle): internal, exported at run time.
    expect(typeof (pulumi.runtime as unknown as { waitForRPCs?: unknown }).waitForRPCs, "pulumi.runtime.waitForRPCs").toBe("function");
    expect((await runtime.settle()).map((r) => r.name)).toEqual(["p", "c"]);
  });

  it("debuggablePromise (evaluate.ts, withoutSdkDiagnostics): replacing the export reaches the SDK's calls", () => {
    const debuggable = require("@pulumi/pulumi/runtime/debuggable") as { debuggablePromise?: unknown };
    expect(typeof debuggable.debuggablePromise, "runtime/debuggable debuggablePromise").toBe("function");
    // Compiled CommonJS calls it through the module object, so the replacement is what they call.
    expect(sdkSource("runtime/resource.js")).toContain("debuggable_1.debuggablePromise(");
  });

  it("Resource.stackTrace (evaluate.ts, withoutSdkDiagnostics): the constructor calls the static", () => {
    expect(typeof (pulumi.Resource as unknown as { stackTrace?: unknown }).stackTrace, "Resource.stackTrace").toBe("function");
    expect(sdkSource("resource.js")).toMatch(/= Resource\.stackTrace\(/);
  });

  it("Module._load (deferredSdkImports.ts): the hook exists and the SDKs still make the requests it defers", () => {
    expect(typeof (Module as unknown as { _load?: unknown })._load, "Module._load").toBe("function");
    expect(sdkSource("typescript-shim.js")).toContain('require("typescript")');
    expect(sdkSource("runtime/closure/codePaths.js")).toContain('require("@npmcli/arborist")');
    expect(sdkSource("index.js")).toContain('require("./automation")');
    const awsIndex = readFileSync(require.resolve("@pulumi/aws"), "utf8");
    expect(awsIndex).toMatch(/require\("\.\/route53"\)/);
    // That the deferral then keeps them unloaded, and loads them on use: test/perf/deferredSdkImports.spec.ts.
  });
});
