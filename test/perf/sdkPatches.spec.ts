/**
 * Protects: the offline plan's patches and uses of Pulumi SDK internals (`tools/plan/runtime/sdkDiagnostics.ts`,
 * `tools/plan/runtime/deferredSdkImports.ts`, `tools/plan/runtime/planWorker.ts`, `tools/plan/runtime/sharedPackProperties.ts`). Each targets a private or internal name that a new SDK may
 * rename; the plan then still runs, only slower or with different URNs. Each case below names one
 * patch and fails when it no longer takes hold in the installed SDK (docs/operate/sdk-upgrade.md).
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
  // Installed by the first case, settled by the second: Pulumi's runtime is global to the process.
  let runtime: Awaited<ReturnType<typeof mockRuntime>> | undefined;

  it("MockMonitor.newUrn (evaluate.ts, RecordingMonitor): the mock monitor's URN helper is overridden", async () => {
    expect(typeof (MockMonitor.prototype as unknown as { newUrn?: unknown }).newUrn, "MockMonitor.prototype.newUrn").toBe("function");
    runtime = await mockRuntime();
    const outer = new pulumi.ComponentResource("edge:test:Outer", "o");
    const inner = new pulumi.ComponentResource("edge:test:Inner", "i", {}, { parent: outer });
    const leaf = new pulumi.ComponentResource("edge:test:Leaf", "l", {}, { parent: inner });
    // The engine's URN carries the parent's whole type chain; the SDK's own mock only its last type.
    expect(await resolved(leaf.urn)).toBe("urn:pulumi:test::edge::edge:test:Outer$edge:test:Inner$edge:test:Leaf::l");
  });

  it("runtime.waitForRPCs (evaluate.ts, settle): internal, exported at run time, waits for every registration", async () => {
    expect(typeof (pulumi.runtime as unknown as { waitForRPCs?: unknown }).waitForRPCs, "pulumi.runtime.waitForRPCs").toBe("function");
    expect((await runtime!.settle()).map((r) => r.name)).toEqual(["o", "i", "l"]);
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

  it("@pulumi/policy deserializeProperties (sharedPackProperties.ts): the analyzer calls the export through the module object, once per policy", () => {
    const deserialize = require("@pulumi/policy/deserialize") as { deserializeProperties?: unknown };
    expect(typeof deserialize.deserializeProperties, "@pulumi/policy/deserialize deserializeProperties").toBe("function");
    const server = readFileSync(require.resolve("@pulumi/policy/server"), "utf8");
    expect(server).toContain("deserialize_1.deserializeProperties(r.getProperties(), false)");
    expect(server).toContain("deserialize_1.deserializeProperties(req.getProperties(), false)");
    // That one decoded request's resource gives one Struct to every policy: test/tools/plan/sharedPackProperties.spec.ts.
  });

  it("runtime/state withLocalStorage (planWorker.ts): internal, exported at run time, gives the callback a runtime state of its own", async () => {
    const state = require("@pulumi/pulumi/runtime/state") as { withLocalStorage?: <T>(run: () => Promise<T>) => Promise<T>; getStore(): object };
    expect(typeof state.withLocalStorage, "runtime/state withLocalStorage").toBe("function");
    const outside = state.getStore();
    const inside = await state.withLocalStorage!(async () => state.getStore());
    expect(inside).not.toBe(outside);
    // The mock runtime and the stack resource are kept in that state, so each plan's are its own.
    expect(sdkSource("runtime/mocks.js")).toMatch(/state_1\.getStore\(\)/);
    expect(sdkSource("runtime/state.js")).toMatch(/localStore\.stackResource = newStackResource/);
  });
});
