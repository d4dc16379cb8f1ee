/**
 * `npm run bench:browser`: what does the browser cost? The same GGUF files measured natively
 * (node-llama-cpp, CPU) and in headless Chromium with the three browser engines in sequence (wllama
 * on WASM threads, wllama on llama.cpp's WebGPU backend, web-llm) on this machine, in one session,
 * alternating rounds, the same threads and workloads (pp512, tg128). Prints tokens/s per round, the
 * wasm/native and (where a GPU adapter engaged) webgpu/native ratios of the medians, why an engine
 * fell back or failed, and the output check of every browser run against the native CPU run of the
 * same file. The dashboard runs on a throwaway data dir.
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
import { startServer } from "../harness/server";
import { deliver } from "../runners/cli/deliver";
import type { Submission } from "../lib/core/contracts/submission";

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
const quiet = () => {};
/** The output check's verdict on a stored run, as its page shows it. */
async function outputStatus(id: string): Promise<string> {
  const html = await (await fetch(`${server.url}/runs/${id}`, { headers: { cookie: server.ownerCookie } })).text();
  return /data-testid="output-status"[^>]*>([^<]+)</.exec(html)?.[1] ?? "none";
}
try {
  console.log(`browser vs native on ${os.cpus()[0]?.model} (${os.availableParallelism()} cores), ${threads} threads, ${reps} repetitions, ${rounds} rounds`);
  for (const ref of modelRefs) {
    // Real files are linked into a directory the dashboard serves; synthetic ones are written
    // into its data dir's models/synthetic, which it serves too.
    const model = await resolveModel(ref, server.dataDir);
    if (!ref.startsWith("synthetic:")) fs.symlinkSync(model.path, path.join(modelsDir, path.basename(model.path)));
    const tps: Record<string, Record<string, number[]>> = Object.fromEntries(workloadIds.map((w) => [w, { native: [], wasm: [], webgpu: [] }]));
    const notes = new Set<string>();
    const verdicts: string[] = [];
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
      // Stored, so that the browser runs' fingerprints have their native CPU reference.
      await deliver(native, {}, cliDeps, quiet);
      const browser = await benchBrowser(
        { url: server.url, engine: "all", model: path.basename(model.path), webllmModel: "SmolLM2-135M-Instruct-q0f32-MLC", suite: "quick", workloads: workloadIds.join(","), repetitions: String(reps), threads: String(threads), browser: "/usr/bin/chromium", headed: false, nativeDevice: true, timeout: "1800", output: "json" },
        cliDeps,
        quiet,
        quiet,
      );
      for (const f of browser.failures) notes.add(`${f.engine} failed (${f.failureClass}): ${f.error.slice(0, 160)}`);
      const line: string[] = [];
      const rows: [string, Submission][] = [["native", native], ...browser.submissions.map((b) => [b.webgpu?.requestedGpuLayers ? `${b.device.backend === "webgpu" ? "webgpu" : "wasm (webgpu asked)"}` : b.device.backend, b] as [string, Submission])];
      for (const [label, sub] of rows) {
        if (sub.webgpu?.fallbackReason) notes.add(`wllama-webgpu stored as ${sub.device.backend}: ${sub.webgpu.fallbackReason}`);
        if (label !== "native") verdicts.push(`${label}: ${await outputStatus(sub.submissionId)}`);
        const key = label === "native" ? "native" : sub.device.backend === "webgpu" ? "webgpu" : label === "wasm" ? "wasm" : null;
        for (const id of workloadIds) {
          const w = sub.workloads.find((x) => x.workloadId === id)!;
          if (w.status !== "ok") {
            // A failure is data: reported, left out of the medians.
            notes.add(`${label} ${id} round ${round}: ${w.status}: ${(w.error ?? "").slice(0, 200)}`);
            line.push(`${label} ${id} ${w.status}`);
            continue;
          }
          const t = deriveStats(w.samples)!.avgTokensPerSec;
          if (key) tps[id]![key]!.push(t);
          line.push(`${label} ${id} ${t.toFixed(1)}`);
        }
      }
      console.log(`  ${model.info.name} ${model.info.quantization} round ${round}: ${line.join("; ")} t/s`);
    }
    for (const n of notes) console.log(`  note: ${n}`);
    console.log(`  output check against the native CPU reference: ${[...new Set(verdicts)].join(", ")}`);
    for (const id of workloadIds) {
      if (!tps[id]!.native!.length || !tps[id]!.wasm!.length) {
        console.log(`${model.info.name} ${model.info.quantization} ${id}: no ratio (failed in every round, see the notes)`);
        continue;
      }
      const n = median(tps[id]!.native!);
      const w = median(tps[id]!.wasm!);
      const g = tps[id]!.webgpu!.length ? median(tps[id]!.webgpu!) : null;
      console.log(
        `${model.info.name} ${model.info.quantization} ${id}: native ${n.toFixed(1)} t/s, wasm ${w.toFixed(1)} t/s, wasm/native ${(w / n).toFixed(3)}` +
          (g == null ? ", webgpu/native: no GPU adapter engaged (see the notes)" : `, webgpu ${g.toFixed(1)} t/s, webgpu/native ${(g / n).toFixed(3)}`),
      );
    }
  }
} finally {
  await server.stop();
  fs.rmSync(modelsDir, { recursive: true, force: true });
}
