/**
 * Summarizes a V8 CPU profile (`node --cpu-prof`, a .cpuprofile file): self time per function and
 * per part of the code (this project's modules, each dependency, Node's internals, the garbage
 * collector, idle), for benchmarks that say where a server's time goes without a flame-graph tool.
 */
import fs from "node:fs";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface SelfTime {
  name: string;
  /** The function's file, relative to the project (or a dependency's package name), with its line. */
  where: string;
  selfMs: number;
  /** Share of the busy time (the profile's time less idle), 0 to 1. */
  share: number;
}

export interface ProfileSummary {
  /** Wall time the profile covers, ms. */
  totalMs: number;
  /** Time not idle, ms. */
  busyMs: number;
  functions: SelfTime[];
  /** Self time per part: `project: lib/server/http`, `node_modules: postgres`, `node`, `(garbage collector)`... */
  parts: SelfTime[];
}

/** The part of the code a frame's url belongs to: a dependency, Node's internals, or this project's folder. */
function partOf(url: string, name: string): string {
  if (!url) return name.startsWith("(") ? name : "(native)";
  if (url.startsWith("node:")) return "node";
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm) return `node_modules: ${nm[1]}`;
  const local = /\/(lib\/[^/]+\/[^/]+|lib\/[^/]+|bin|harness|app)\//.exec(url);
  return local ? `project: ${local[1]}` : "other";
}

function shortUrl(url: string): string {
  const nm = /node_modules\/(.*)$/.exec(url);
  if (nm) return nm[1]!;
  const local = /\/((?:lib|bin|app|harness)\/.*)$/.exec(url);
  return local ? local[1]! : url.replace(/^file:\/\//, "");
}

/**
 * `window`: only the samples between these times, µs of the monotonic clock (V8's profile clock is
 * the one `process.hrtime` reads, so another process on the same machine can mark a load's start and end).
 */
export function summarizeCpuProfile(file: string, opts: { top?: number; window?: { fromUs: number; toUs: number } } = {}): ProfileSummary {
  const p = JSON.parse(fs.readFileSync(file, "utf8")) as CpuProfile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  // timeDeltas[i] is the time before sample i; the sample's node ran for the next delta.
  let t = p.startTime;
  for (let i = 0; i < p.samples.length; i++) {
    t += p.timeDeltas[i] ?? 0;
    if (opts.window && (t < opts.window.fromUs || t > opts.window.toUs)) continue;
    const next = p.timeDeltas[i + 1] ?? 0;
    selfUs.set(p.samples[i]!, (selfUs.get(p.samples[i]!) ?? 0) + Math.max(0, next));
  }
  const fnUs = new Map<string, { name: string; where: string; us: number }>();
  const partUs = new Map<string, number>();
  let idleUs = 0;
  let totalUs = 0;
  for (const [id, us] of selfUs) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    totalUs += us;
    if (functionName === "(idle)") {
      idleUs += us;
      continue;
    }
    const name = functionName || "(anonymous)";
    const where = url ? `${shortUrl(url)}:${lineNumber + 1}` : "";
    const key = `${name}@${where}`;
    const f = fnUs.get(key) ?? { name, where, us: 0 };
    f.us += us;
    fnUs.set(key, f);
    const part = partOf(url, name);
    partUs.set(part, (partUs.get(part) ?? 0) + us);
  }
  const busyUs = totalUs - idleUs;
  const row = (name: string, where: string, us: number): SelfTime => ({ name, where, selfMs: us / 1000, share: busyUs > 0 ? us / busyUs : 0 });
  return {
    totalMs: totalUs / 1000,
    busyMs: busyUs / 1000,
    functions: [...fnUs.values()]
      .sort((a, b) => b.us - a.us)
      .slice(0, opts.top ?? 25)
      .map((f) => row(f.name, f.where, f.us)),
    parts: [...partUs.entries()].sort((a, b) => b[1] - a[1]).map(([k, us]) => row(k, "", us)),
  };
}
