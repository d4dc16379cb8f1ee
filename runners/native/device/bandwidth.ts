/**
 * Memory bandwidth: a copy benchmark on all cores (one worker thread per core, each copying its own
 * 64 MiB buffers, far beyond any cache). Reported as bytes read per second (a copy reads and writes
 * each byte; decode reads weights), in GB/s = 1e9 B/s. The roofline's ceiling for CPU decode.
 */
import os from "node:os";
import { Worker } from "node:worker_threads";

const WORKER = `
const { parentPort, workerData } = require("node:worker_threads");
const size = workerData.bytes;
const a = Buffer.alloc(size, 1), b = Buffer.alloc(size);
a.copy(b); // touch pages
parentPort.postMessage("ready");
parentPort.once("message", () => {
  let copies = 0;
  const t0 = process.hrtime.bigint();
  const end = Date.now() + workerData.ms;
  while (Date.now() < end) { a.copy(b); b.copy(a); copies += 2; }
  parentPort.postMessage({ bytes: copies * size, ns: Number(process.hrtime.bigint() - t0) });
});`;

export async function measureBandwidthGBps(ms = 1500, threads = os.availableParallelism(), bytesPerThread = 64 * 2 ** 20): Promise<number> {
  const workers = Array.from({ length: threads }, () => new Worker(WORKER, { eval: true, workerData: { bytes: bytesPerThread, ms } }));
  try {
    await Promise.all(workers.map((w) => new Promise((r) => w.once("message", r))));
    const results = await Promise.all(
      workers.map(
        (w) =>
          new Promise<{ bytes: number; ns: number }>((r) => {
            w.once("message", r);
            w.postMessage("go");
          }),
      ),
    );
    const seconds = Math.max(...results.map((r) => r.ns)) / 1e9;
    return results.reduce((a, r) => a + r.bytes, 0) / seconds / 1e9;
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
