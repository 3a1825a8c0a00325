/**
 * Peak memory of a process tree from /proc (Linux): polls every process under a root pid and keeps,
 * per pid, the highest VmHWM (the kernel's own peak RSS of that process) seen. The tree's peak is
 * reported as the sum of those per-process peaks: an upper bound of the RSS the tree held at once,
 * the safe side for a memory target. A process that lives shorter than one poll interval is missed.
 */
import { readdirSync, readFileSync } from "node:fs";

function readStatus(pid: number): { ppid: number; hwmKiB: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const ppid = Number(/^PPid:\s+(\d+)/m.exec(status)?.[1] ?? -1);
    const hwmKiB = Number(/^VmHWM:\s+(\d+)\s+kB/m.exec(status)?.[1] ?? 0);
    return { ppid, hwmKiB };
  } catch {
    return undefined; // exited between the listing and the read
  }
}

/** Every live pid in the tree under `root`, `root` included. */
export function processTree(root: number): number[] {
  const parents = new Map<number, number>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const status = readStatus(Number(entry));
    if (status) parents.set(Number(entry), status.ppid);
  }
  const tree = [root];
  for (let i = 0; i < tree.length; i++) {
    for (const [pid, ppid] of parents) if (ppid === tree[i]) tree.push(pid);
  }
  return tree;
}

export interface TreeMemory {
  /** Sum over the tree's processes of each one's peak RSS, in MiB. */
  peakMiB: number;
  /** The largest single process's peak RSS, in MiB. */
  largestMiB: number;
  processes: number;
}

/** Polls the tree under `root` (or this process's children with `childrenOnly`) until stopped. */
export class TreeMemoryProbe {
  private readonly peaks = new Map<number, number>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly root: number,
    intervalMs = 50,
    private readonly childrenOnly = false,
  ) {
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
  }

  sample(): void {
    const pids = processTree(this.root);
    for (const pid of this.childrenOnly ? pids.slice(1) : pids) {
      const status = readStatus(pid);
      if (status) this.peaks.set(pid, Math.max(this.peaks.get(pid) ?? 0, status.hwmKiB));
    }
  }

  stop(): TreeMemory {
    clearInterval(this.timer);
    const peaks = [...this.peaks.values()];
    return {
      peakMiB: peaks.reduce((a, b) => a + b, 0) / 1024,
      largestMiB: Math.max(0, ...peaks) / 1024,
      processes: peaks.length,
    };
  }
}
