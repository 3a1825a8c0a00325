import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { processTree, TreeMemoryProbe } from "../../bench/procTree";

describe("process-tree memory probe", () => {
  it("sees a grandchild's peak RSS: a shell whose node child touches 150 MiB", async () => {
    const script = "const b = Buffer.alloc(150 * 2 ** 20, 1); setTimeout(() => process.exit(b[0] - 1), 600);";
    const shell = spawn("/bin/sh", ["-c", `"${process.execPath}" -e '${script}'; exit $?`], { stdio: "ignore" });
    const probe = new TreeMemoryProbe(shell.pid!, 20);
    try {
      const code = await new Promise<number | null>((resolve) => shell.once("exit", resolve));
      expect(code).toBe(0);
    } finally {
      const memory = probe.stop();
      expect(memory.processes).toBeGreaterThanOrEqual(2);
      expect(memory.largestMiB).toBeGreaterThan(150);
      expect(memory.peakMiB).toBeGreaterThanOrEqual(memory.largestMiB);
    }
  });

  it("lists this process first in its own tree", () => {
    expect(processTree(process.pid)[0]).toBe(process.pid);
  });
});
