/**
 * CPU time on this machine: the whole machine's (busy and, on Linux, the hypervisor's steal), and
 * this runner's process tree's (the runner and its measuring child). From them: how much of the
 * machine other processes used while a workload ran (the server flags such a run "busy"), and the
 * runner's own utilisation for the modelled meter (so a neighbour's load is not the run's energy).
 *
 * Linux reads /proc/stat and /proc/<pid>/stat (times in USER_HZ ticks, 100 a second on every Linux
 * ABI); elsewhere os.cpus() gives the machine (no steal) and the tree is the runner's own process.
 */
import { readdirSync, readFileSync } from "node:fs";
import os from "node:os";
import type { WorkloadLoad } from "../../lib/core/contracts/submission";

const TICK_NS = 1e7; // USER_HZ = 100

export interface MachineCpu {
  tNs: number;
  busyNs: number;
  stealNs: number | null;
  logicalCpus: number;
  source: "procfs" | "os";
}

const nowNs = () => Number(process.hrtime.bigint());

/** The machine's cumulative CPU time. */
export function machineCpu(): MachineCpu {
  const tNs = nowNs();
  if (process.platform === "linux") {
    try {
      const lines = readFileSync("/proc/stat", "utf8").split("\n");
      const cpu = lines[0]!.trim().split(/\s+/).slice(1).map(Number);
      // user nice system idle iowait irq softirq steal (guest is inside user)
      const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = cpu;
      const logicalCpus = lines.filter((l) => /^cpu\d+ /.test(l)).length || os.cpus().length;
      return { tNs, busyNs: (user + nice + system + irq + softirq) * TICK_NS, stealNs: steal * TICK_NS, logicalCpus, source: "procfs" };
    } catch {
      // fall through: os.cpus()
    }
  }
  const cpus = os.cpus();
  const busyMs = cpus.reduce((a, c) => a + c.times.user + c.times.nice + c.times.sys + c.times.irq, 0);
  return { tNs, busyNs: busyMs * 1e6, stealNs: null, logicalCpus: cpus.length, source: "os" };
}

/** utime + stime of one process from /proc/<pid>/stat, ns; null when it is gone. */
function procCpuNs(pid: number): { cpuNs: number; ppid: number } | null {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name is in parentheses and may hold spaces: fields start after the last ')'.
    const f = s.slice(s.lastIndexOf(")") + 2).split(" ");
    return { ppid: Number(f[1]), cpuNs: (Number(f[11]) + Number(f[12])) * TICK_NS };
  } catch {
    return null;
  }
}

/** The child pids of a process (Linux: /proc/<pid>/task/<tid>/children); null where the kernel does not list them. */
function childrenOf(pid: number): number[] | null {
  try {
    const out: number[] = [];
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      const text = readFileSync(`/proc/${pid}/task/${tid}/children`, "utf8").trim();
      if (text) out.push(...text.split(/\s+/).map(Number));
    }
    return out;
  } catch {
    return null;
  }
}

/**
 * CPU time of this process and every process below it (Linux), or of this process alone, ns.
 * Walks the tree from `root` through the kernel's children lists (a few small reads: the modelled
 * meter calls it ten times a second during measurements); scans /proc only where those are missing.
 */
export function processTreeCpuNs(root = process.pid): number {
  const own = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) * 1e3;
  };
  if (process.platform !== "linux") return own();
  let total = 0;
  const stack = [root];
  while (stack.length) {
    const pid = stack.pop()!;
    total += procCpuNs(pid)?.cpuNs ?? 0;
    const kids = childrenOf(pid);
    if (kids == null) return scanTree(root) ?? own();
    stack.push(...kids);
  }
  return total;
}

/** The same from a scan of every /proc/<pid>/stat (kernels without children lists). */
function scanTree(root: number): number | null {
  let pids: number[];
  try {
    pids = readdirSync("/proc").filter((d) => /^\d+$/.test(d)).map(Number);
  } catch {
    return null;
  }
  const info = new Map<number, { cpuNs: number; ppid: number }>();
  for (const pid of pids) {
    const p = procCpuNs(pid);
    if (p) info.set(pid, p);
  }
  const children = new Map<number, number[]>();
  for (const [pid, p] of info) children.set(p.ppid, [...(children.get(p.ppid) ?? []), pid]);
  let total = 0;
  const stack = [root];
  while (stack.length) {
    const pid = stack.pop()!;
    total += info.get(pid)?.cpuNs ?? 0;
    stack.push(...(children.get(pid) ?? []));
  }
  return total;
}

export interface LoadMark {
  machine: MachineCpu;
  ownNs: number;
}

export const markLoad = (): LoadMark => ({ machine: machineCpu(), ownNs: processTreeCpuNs() });

/** Others' and the hypervisor's CPU time between two marks (the runner's tree excluded). */
export function loadBetween(a: LoadMark, b: LoadMark): WorkloadLoad {
  const ownCpuNs = Math.max(0, b.ownNs - a.ownNs);
  const busy = Math.max(0, b.machine.busyNs - a.machine.busyNs);
  return {
    wallNs: Math.max(0, Math.round(b.machine.tNs - a.machine.tNs)),
    ownCpuNs: Math.round(ownCpuNs),
    otherCpuNs: Math.round(Math.max(0, busy - ownCpuNs)),
    stealNs: a.machine.stealNs != null && b.machine.stealNs != null ? Math.round(Math.max(0, b.machine.stealNs - a.machine.stealNs)) : null,
    logicalCpus: b.machine.logicalCpus,
    source: b.machine.source,
  };
}
