/** Protects: the compiled tools. `launch.js` (plain JavaScript, run before anything is compiled) names each entry's source as `build.ts` bundles it, so the plain path runs the same entry the fast path compiled. */
import { describe, expect, it } from "vitest";
import { toolEntries } from "../../../tools/plan/runtime/build";

const { sources } = require("../../../tools/plan/runtime/launch.js") as { sources: Record<string, string> };

describe("the launcher", () => {
  it("runs each entry from the source build.ts compiles it from", () => {
    expect(Object.keys(sources).length).toBeGreaterThan(0);
    for (const [entry, source] of Object.entries(sources)) expect([entry, source]).toEqual([entry, toolEntries[entry as keyof typeof toolEntries]]);
  });
});
