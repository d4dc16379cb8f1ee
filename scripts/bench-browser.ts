/**
 * `npm run bench:browser`: what does the browser cost? The same GGUF files measured natively
 * (node-llama-cpp, CPU) and in headless Chromium (wllama, WASM threads) on this machine, in one
 * session, alternating rounds, the same threads and workloads (pp512, tg128). Prints tokens/s per
 * round and the browser/native ratio of the medians. The dashboard runs on a throwaway data dir.
 *
 * Env: BENCH_THREADS (default: all cores), BENCH_REPS (default 3), BENCH_ROUNDS (default 2),
 * BENCH_MODELS (comma-separated, default stories260K from ../shared/models and
 * synthetic:smollm2-135m:Q8_0), BENCH_WORKLOADS (default pp512,tg128).
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseWorkloadId } from "../lib/core/contracts/workloads";
import { deriveStats } from "../lib/core/measure/stats";
import { probeDevice } from "../runners/native/device/probe";
import { runSession } from "../runners/native/session";
import { cliDeps } from "../bin/cli";
import { benchBrowser } from "../runners/cli/bench-browser";
import { resolveModel } from "../runners/models/resolve";
import { startServer } from "../tests/helpers/server";

const threads = Number(process.env.BENCH_THREADS || os.availableParallelism());
const reps = Number(process.env.BENCH_REPS || 3);
const rounds = Number(process.env.BENCH_ROUNDS || 2);
const stories = path.resolve("../shared/models/stories260K.gguf");
const modelRefs = (process.env.BENCH_MODELS || [fs.existsSync(stories) ? stories : "", "synthetic:smollm2-135m:Q8_0"].filter(Boolean).join(",")).split(",");
const workloadIds = (process.env.BENCH_WORKLOADS || "pp512,tg128").split(",");
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

const modelsDir = fs.mkdtempSync(path.join(os.tmpdir(), "tokenwatt-bench-models-"));
const server = await startServer({ TOKENWATT_MODELS_DIR: modelsDir });
process.env.TOKENWATT_DATA_DIR = server.dataDir;
try {
  console.log(`browser vs native on ${os.cpus()[0]?.model} (${os.availableParallelism()} cores), ${threads} threads, ${reps} repetitions, ${rounds} rounds`);
  for (const ref of modelRefs) {
    // Real files are linked into a directory the dashboard serves; synthetic ones are written
    // into its data dir's models/synthetic, which it serves too.
    const model = await resolveModel(ref, server.dataDir);
    if (!ref.startsWith("synthetic:")) fs.symlinkSync(model.path, path.join(modelsDir, path.basename(model.path)));
    const tps: Record<string, { native: number[]; browser: number[] }> = Object.fromEntries(workloadIds.map((w) => [w, { native: [], browser: [] }]));
    for (let round = 1; round <= rounds; round++) {
      const native = await runSession({
        device: await probeDevice("cpu", null, ["cpu"]),
        model,
        engine: "node-llama-cpp",
        llama: { backend: "cpu", threads, contextSize: 1024, build: "auto", flashAttention: "auto" },
        backend: "cpu",
        workloads: workloadIds.map((id) => parseWorkloadId(id)!),
        repetitions: reps,
        meters: [],
        idleSeconds: 0,
        bandwidthGBps: null,
      });
      const { submission: browser } = await benchBrowser(
        { url: server.url, engine: "wllama", model: path.basename(model.path), webllmModel: "", suite: "quick", workloads: workloadIds.join(","), repetitions: String(reps), threads: String(threads), browser: "/usr/bin/chromium", headed: false, nativeDevice: true, timeout: "1800", output: "json" },
        cliDeps,
        () => {},
        () => {},
      );
      const line: string[] = [];
      for (const id of workloadIds) {
        const n = deriveStats(native.workloads.find((w) => w.workloadId === id)!.samples)!.avgTokensPerSec;
        const bw = browser!.workloads.find((w) => w.workloadId === id)!;
        if (bw.status !== "ok") throw new Error(`browser ${id} failed: ${bw.error}`);
        const b = deriveStats(bw.samples)!.avgTokensPerSec;
        tps[id]!.native.push(n);
        tps[id]!.browser.push(b);
        line.push(`${id} native ${n.toFixed(1)} browser ${b.toFixed(1)} t/s`);
      }
      console.log(`  ${model.info.name} ${model.info.quantization} round ${round}: ${line.join("; ")}`);
    }
    for (const id of workloadIds) {
      const n = median(tps[id]!.native);
      const b = median(tps[id]!.browser);
      console.log(`${model.info.name} ${model.info.quantization} ${id}: native ${n.toFixed(1)} t/s, browser ${b.toFixed(1)} t/s, browser/native ${(b / n).toFixed(3)}`);
    }
  }
} finally {
  await server.stop();
  fs.rmSync(modelsDir, { recursive: true, force: true });
}
