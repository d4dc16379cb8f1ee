/**
 * Memory read bandwidth of the host: a diagnostic beside CPU decode (the roofline %), which streams
 * the weights from RAM. Two read-only kernels, each on one worker thread per core over its own buffer
 * well above the last-level cache (at least 4x the LLC in all, 256 MiB per thread at least); all
 * threads start together, a trial's time is the slowest thread's, and the best of several trials is
 * reported, as STREAM does. GB/s = 1e9 bytes read per second.
 *
 * - `read-native` (the default): Buffer.compare of two equal buffers, i.e. the C library's memcmp,
 *   which reads both at the machine's widest vector loads (AVX2/AVX-512 on x86, NEON on ARM). On
 *   this 2-core VM it read 50-55 GB/s against the WebAssembly kernel's 39-46 in the same minute: the
 *   WASM kernel is limited to 128-bit loads and under-reports hosts where llama.cpp's kernels read
 *   faster (issue 27: an honest decode computed to 125-161% of the WASM figure).
 * - `read-stream`: the WebAssembly SIMD kernel (runners/native/device/wasm/read-stream.wat: 128-bit
 *   loads summed into four accumulators, 64 bytes per iteration), what a browser can run.
 *
 * Node cannot pin threads to cores; the OS spreads the busy workers. The earliest method (a buffer
 * copy, counting each byte once) reported about half the read bandwidth; results keep their method.
 */
import fs from "node:fs";
import os from "node:os";
import { Worker } from "node:worker_threads";

/** read-stream.wat compiled (wabt 1.0.37, --enable-simd); `sum(n)` reads n bytes of its memory. */
const READ_STREAM_WASM =
  "AGFzbQEAAAABBgFgAX8BfgMCAQAFBgEBAYCABAcNAgNtZW0CAANzdW0AAApsAWoCAX8EewNAIAIgAf0ABAD9zgEhAiADIAH9AAQQ/c4BIQMgBCAB/QAEIP3OASEEIAUgAf0ABDD9zgEhBSABQcAAaiEBIAEgAEkNAAsgAiAD/c4BIAQgBf3OAf3OASECIAL9HQAgAv0dAXwL";

export const BANDWIDTH_METHOD = "read-native";
export type BandwidthKernel = "read-native" | "read-stream";

const NATIVE_WORKER = `
const { parentPort, workerData } = require("node:worker_threads");
// Two halves, equal bytes: memcmp reads both to the end. Buffer.alloc touches every page before timing.
const a = Buffer.alloc(workerData.bytes / 2, 1);
const b = Buffer.alloc(workerData.bytes / 2, 1);
parentPort.postMessage("ready");
parentPort.on("message", () => {
  const t0 = process.hrtime.bigint();
  const sink = Buffer.compare(a, b);
  parentPort.postMessage({ ns: Number(process.hrtime.bigint() - t0), sink: String(sink) });
});`;

const WASM_WORKER = `
const { parentPort, workerData } = require("node:worker_threads");
const inst = new WebAssembly.Instance(new WebAssembly.Module(Buffer.from(workerData.wasm, "base64")), {});
const mem = inst.exports.mem;
mem.grow(Math.ceil(workerData.bytes / 65536));
new Uint8Array(mem.buffer).fill(1); // touch every page before timing
parentPort.postMessage("ready");
parentPort.on("message", () => {
  const t0 = process.hrtime.bigint();
  const sink = inst.exports.sum(workerData.bytes);
  parentPort.postMessage({ ns: Number(process.hrtime.bigint() - t0), sink: String(sink) });
});`;

/** The last-level cache of this machine, bytes (Linux sysfs; null where it cannot be read). */
export function lastLevelCacheBytes(root = "/sys/devices/system/cpu/cpu0/cache"): number | null {
  try {
    let best: number | null = null;
    for (const d of fs.readdirSync(root).filter((x) => x.startsWith("index"))) {
      const m = /^(\d+)([KMG]?)/.exec(fs.readFileSync(`${root}/${d}/size`, "utf8").trim());
      if (!m) continue;
      const bytes = Number(m[1]) * { "": 1, K: 1024, M: 2 ** 20, G: 2 ** 30 }[m[2] as "" | "K" | "M" | "G"];
      best = Math.max(best ?? 0, bytes);
    }
    return best;
  } catch {
    return null;
  }
}

/** Bytes each thread reads: together at least 4x the LLC, 256 MiB at least, within wasm32 and a quarter of free RAM. */
export function bufferBytesPerThread(threads: number, llcBytes: number | null, freeBytes = os.freemem()): number {
  const want = Math.max(256 * 2 ** 20, Math.ceil((4 * (llcBytes ?? 0)) / threads));
  const cap = Math.min(3 * 2 ** 30, Math.floor(freeBytes / 4 / threads));
  const bytes = Math.max(64 * 2 ** 20, Math.min(want, cap));
  return Math.floor(bytes / 65536) * 65536;
}

export interface BandwidthResult {
  gbps: number;
  method: BandwidthKernel;
  threads: number;
  bytesPerThread: number;
  trials: number[];
}

export async function measureReadBandwidth(
  threads = os.availableParallelism(),
  trials = 5,
  bytesPerThread = bufferBytesPerThread(threads, lastLevelCacheBytes()),
  kernel: BandwidthKernel = BANDWIDTH_METHOD,
): Promise<BandwidthResult> {
  const source = kernel === "read-native" ? NATIVE_WORKER : WASM_WORKER;
  const workers = Array.from({ length: threads }, () => new Worker(source, { eval: true, workerData: { bytes: bytesPerThread, wasm: READ_STREAM_WASM } }));
  try {
    await Promise.all(workers.map((w) => new Promise((r, j) => (w.once("message", r), w.once("error", j)))));
    const gbps: number[] = [];
    for (let t = 0; t < trials; t++) {
      const rs = await Promise.all(workers.map((w) => new Promise<{ ns: number }>((r) => (w.once("message", r), w.postMessage("go")))));
      gbps.push((threads * bytesPerThread) / (Math.max(...rs.map((r) => r.ns)) / 1e9) / 1e9);
    }
    return { gbps: Math.max(...gbps), method: kernel, threads, bytesPerThread, trials: gbps };
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

/** The host's read bandwidth, GB/s (the figure submissions carry). */
export async function measureBandwidthGBps(): Promise<number> {
  return (await measureReadBandwidth()).gbps;
}
