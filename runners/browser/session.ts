/**
 * One browser benchmark session, the browser runner's counterpart of runners/native/session.ts:
 * open the engine, run the workloads through the harness (BrowserSuite), reload the engine after a
 * crash (a crash costs one workload, not the session), describe the device and build the
 * submission. The /run page only renders its progress and result.
 */
import type { Device, Fingerprint, ModelInfo, Submission } from "../../lib/core/contracts/submission";
import { FINGERPRINT } from "../../lib/core/measure/fingerprint";
import { contextSizeFor, type WorkloadSpec } from "../../lib/core/contracts/workloads";
import type { BrowserEngine } from "./engine";
import { BrowserSuite, type SuiteProgress } from "./suite";
import { browserDevice, buildBrowserSubmission, newSubmissionId, userAgentInfo } from "./submission";
import { webgpuOfProbe, type WebGpuProbe } from "./webgpu-bench";

/** The browser engines: llama.cpp on the CPU threads, llama.cpp on WebGPU, MLC on WebGPU. */
export const BROWSER_ENGINES = ["wllama", "wllama-webgpu", "web-llm"] as const;
export type BrowserEngineName = (typeof BROWSER_ENGINES)[number];
export const BROWSER_ENGINE_LABELS: Record<BrowserEngineName, string> = {
  wllama: "wllama: llama.cpp in WebAssembly (CPU)",
  "wllama-webgpu": "wllama WebGPU: llama.cpp's WebGPU backend (all layers on the GPU)",
  "web-llm": "web-llm: MLC on WebGPU",
};

/** What the session loads: a GGUF of the server's catalog (wllama, on the CPU or WebGPU) or a web-llm model. */
export type EngineTarget =
  | { engine: "wllama" | "wllama-webgpu"; model: ModelInfo; fileName: string; modelUrl: string; wasmUrl: string; threads: number }
  | { engine: "web-llm"; modelId: string; baseUrl: string };

export interface BrowserSessionOptions {
  target: EngineTarget;
  workloads: readonly WorkloadSpec[];
  repetitions: number;
  probe: WebGpuProbe;
  /** This machine's native probe, when `tokenwatt bench-browser` injected one. */
  injectedDevice?: Device;
  onProgress(text: string): void;
}

async function opener(o: BrowserSessionOptions, contextSize: number): Promise<{ open: () => Promise<BrowserEngine>; model: ModelInfo }> {
  const t = o.target;
  if (t.engine === "web-llm") {
    if (!o.probe.available) throw new Error(`web-llm needs WebGPU: ${o.probe.reason}`);
    const { preflightWebLlm, WebLlmEngine } = await import("./webllm-engine");
    const target = { modelId: t.modelId.trim(), baseUrl: t.baseUrl.trim().replace(/\/+$/, "") };
    const pre = await preflightWebLlm(target, o.probe.features);
    return { model: pre.info, open: () => WebLlmEngine.create(target, pre.modelLibFile, contextSize, (text) => o.onProgress(text)) };
  }
  const { WllamaEngine } = await import("./wllama-engine");
  o.onProgress(`downloading ${t.fileName}…`);
  return {
    model: t.model,
    open: () =>
      WllamaEngine.create({
        wasmUrl: t.wasmUrl,
        modelUrl: t.modelUrl,
        threads: t.threads,
        contextSize,
        gpuLayers: t.engine === "wllama-webgpu" ? 999 : 0,
        probe: o.probe,
        onLoadProgress: (l, total) => o.onProgress(`downloading ${t.fileName}: ${total ? Math.round((100 * l) / total) : Math.round(l / 2 ** 20)}${total ? "%" : " MiB"}`),
      }),
  };
}

export async function runBrowserSession(o: BrowserSessionOptions): Promise<Submission> {
  const contextSize = contextSizeFor(o.workloads).default;
  const startedAt = new Date().toISOString();
  const { open, model } = await opener(o, contextSize);
  let eng: BrowserEngine = await open();
  try {
    let runner = new BrowserSuite(eng, model.fileBytes);
    const results = [];
    for (const w of o.workloads) {
      const r = await runner.run(w, o.repetitions, (p: SuiteProgress) => o.onProgress(`${p.workloadId}: ${p.phase === "rep" ? `repetition ${p.done}/${p.total}` : p.phase}`));
      results.push(r);
      if (r.status === "crash" && w !== o.workloads.at(-1)) {
        // As the native runner's child process per workload: a crash costs one workload, not the session.
        o.onProgress("the engine crashed: loading it again");
        await eng.dispose().catch(() => {});
        eng = await open();
        runner = new BrowserSuite(eng, model.fileBytes);
      }
    }
    // After the timed workloads: greedy ids of the fixed prompt, compared by the server with a native
    // CPU run of the same file. A failure here costs the fingerprint, not the measurements.
    let fingerprint: Fingerprint | null = null;
    if (eng.fingerprint) {
      o.onProgress("correctness fingerprint…");
      const f = await eng.fingerprint(FINGERPRINT.prompt, FINGERPRINT.tokens).catch(() => null);
      // The browser engines report ids only, no probabilities: no top candidates.
      if (f && f.promptTokens > 0) fingerprint = { version: FINGERPRINT.version, ...f, topK: null };
    }
    const available: ("wasm" | "webgpu")[] = o.probe.available ? ["wasm", "webgpu"] : ["wasm"];
    const device = o.injectedDevice
      ? { ...o.injectedDevice, backend: eng.backend, availableBackends: [...new Set([...o.injectedDevice.availableBackends, ...available])] }
      : browserDevice(o.probe, await userAgentInfo(), eng.backend, available);
    return buildBrowserSubmission({
      submissionId: newSubmissionId(),
      startedAt,
      finishedAt: new Date().toISOString(),
      device,
      engine: eng.info,
      model,
      threads: eng.threads,
      contextSize,
      repetitions: o.repetitions,
      workloads: results,
      fingerprint,
      // The adapter is recorded for every browser run where there is one: the browser leaderboard is keyed by it.
      webgpu: eng.webgpu ?? (o.probe.available ? webgpuOfProbe(o.probe) : null),
    });
  } finally {
    await eng.dispose().catch(() => {});
  }
}
