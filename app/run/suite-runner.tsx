"use client";

import { useEffect, useRef, useState } from "react";
import type { Device, Submission } from "../../lib/core/contracts/submission";
import { parseWorkloadId, SUITE_QUICK, SUITE_V1, type WorkloadSpec } from "../../lib/core/contracts/workloads";
import type { BrowserEngine } from "../../runners/browser/engine";
import { BrowserSuite, type SuiteProgress } from "../../runners/browser/suite";
import { browserDevice, buildBrowserSubmission, newSubmissionId, userAgentInfo } from "../../runners/browser/submission";
import type { WebGpuProbe } from "../../runners/browser/webgpu-bench";
import { UploadPanel } from "./upload-panel";

interface CatalogModel {
  id: string;
  fileName: string;
  fileBytes: number;
  info: Submission["model"];
}

/** What `tokenwatt bench-browser` reads from the page. */
export interface PageState {
  status: "idle" | "running" | "done" | "error";
  submission: Submission | null;
  error: string | null;
}

declare global {
  interface Window {
    __tokenwatt?: PageState;
    /** Injected by `tokenwatt bench-browser`: the native probe of this machine. */
    __TOKENWATT_DEVICE__?: Device;
  }
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

export function SuiteRunner({ probe, webLlmBaseUrl, ownerMode }: { probe: WebGpuProbe; webLlmBaseUrl: string; ownerMode: boolean }) {
  const params = typeof window === "undefined" ? new URLSearchParams() : new URLSearchParams(window.location.search);
  const [models, setModels] = useState<CatalogModel[] | null>(null);
  const [engine, setEngine] = useState(params.get("engine") === "web-llm" ? "web-llm" : "wllama");
  const [modelId, setModelId] = useState(params.get("model") ?? "");
  const [webLlmModel, setWebLlmModel] = useState(params.get("webllmModel") ?? "SmolLM2-135M-Instruct-q0f32-MLC");
  const [baseUrl, setBaseUrl] = useState(params.get("webllmBase") ?? (webLlmBaseUrl || `${typeof window === "undefined" ? "" : window.location.origin}/api/v1/browser/webllm`));
  const [suite, setSuite] = useState(params.get("suite") === "v1" ? "v1" : "quick");
  const [reps, setReps] = useState(params.get("reps") ?? "3");
  const [threads, setThreads] = useState(params.get("threads") ?? String(probe.hints.hardwareConcurrency ?? 1));
  const [progress, setProgress] = useState<string | null>(null);
  const [state, setState] = useState<PageState>({ status: "idle", submission: null, error: null });
  const started = useRef(false);
  // A link that names an engine, suite or model this page cannot honour is refused, not guessed.
  const urlError = useRef<string | null>(
    params.has("engine") && !["wllama", "web-llm"].includes(params.get("engine")!)
      ? `unknown engine "${params.get("engine")}" in the link: wllama or web-llm`
      : params.has("suite") && !["quick", "v1"].includes(params.get("suite")!)
        ? `unknown suite "${params.get("suite")}" in the link: quick or v1`
        : null,
  );
  // A public server opens its model catalog to a browser holding a live pairing code.
  const pairQuery = params.get("pair") ? `?pair=${encodeURIComponent(params.get("pair")!)}` : "";

  useEffect(() => {
    window.__tokenwatt = state;
  }, [state]);

  useEffect(() => {
    fetch(`/api/v1/browser/models${pairQuery}`)
      .then(async (r) => (r.ok ? r.json() : Promise.reject(new Error((await r.json().catch(() => null))?.error?.message ?? `HTTP ${r.status}`))))
      .then((j: { models: CatalogModel[] }) => {
        const asked = params.get("model");
        const found = asked ? j.models.find((m) => m.id === asked || m.fileName === asked) : undefined;
        if (asked && !found && params.get("engine") !== "web-llm") {
          // Measuring another model than the link names would be worse than measuring none.
          urlError.current = `this server does not offer the model "${asked}"; it offers: ${j.models.map((m) => m.fileName).join(", ") || "none"}`;
        }
        if (urlError.current) setState({ status: "error", submission: null, error: urlError.current });
        setModels(j.models);
        setModelId(found?.id ?? j.models[0]?.id ?? "");
      })
      .catch((e: Error) => setState({ status: "error", submission: null, error: `cannot list this server's models: ${e.message}` }));
  }, []);

  const run = async () => {
    const nReps = Number(reps);
    const nThreads = Number(threads);
    if (!Number.isInteger(nReps) || nReps < 1 || nReps > 100) return setState({ status: "error", submission: null, error: "repetitions must be a whole number from 1 to 100" });
    if (!Number.isInteger(nThreads) || nThreads < 1 || nThreads > 256) return setState({ status: "error", submission: null, error: "threads must be a whole number from 1 to 256" });
    // ?workloads=pp512,tg128 (as `bench -w`) overrides the suite.
    const custom = params.get("workloads")?.split(",").map((id) => id.trim()).filter(Boolean);
    const parsed = custom?.map((id) => parseWorkloadId(id));
    if (custom && (custom.length === 0 || parsed!.some((w) => !w))) {
      return setState({ status: "error", submission: null, error: `unknown workload id(s) in ?workloads=: ${custom.filter((id) => !parseWorkloadId(id)).join(", ") || "(none)"}` });
    }
    const workloads: readonly WorkloadSpec[] = parsed ? (parsed as WorkloadSpec[]) : suite === "v1" ? SUITE_V1 : SUITE_QUICK;
    const contextSize = Math.max(512, 2 ** Math.ceil(Math.log2(Math.max(...workloads.map((w) => w.nDepth + w.nPrompt + w.nGen + 64)))));
    setState({ status: "running", submission: null, error: null });
    const startedAt = new Date().toISOString();
    let eng: BrowserEngine | null = null;
    let open: () => Promise<BrowserEngine>;
    try {
      let model: Submission["model"];
      if (engine === "wllama") {
        const m = models?.find((x) => x.id === modelId);
        if (!m) throw new Error(models?.length ? "choose a model" : "this server offers no GGUF models: run `npx tokenwatt bench -m synthetic:smollm2-135m:Q8_0` once, or set TOKENWATT_MODELS_DIR");
        model = m.info;
        const { WllamaEngine } = await import("../../runners/browser/wllama-engine");
        setProgress(`downloading ${m.fileName}…`);
        open = () => WllamaEngine.create({
          wasmUrl: "/api/v1/browser/wllama.wasm",
          modelUrl: `/api/v1/browser/models/${m.id}${pairQuery}`,
          threads: nThreads,
          contextSize,
          onLoadProgress: (l, t) => setProgress(`downloading ${m.fileName}: ${t ? Math.round((100 * l) / t) : Math.round(l / 2 ** 20)}${t ? "%" : " MiB"}`),
        });
        eng = await open();
      } else {
        if (!probe.available) throw new Error(`web-llm needs WebGPU: ${probe.reason}`);
        const { preflightWebLlm, WebLlmEngine } = await import("../../runners/browser/webllm-engine");
        const target = { modelId: webLlmModel.trim(), baseUrl: baseUrl.trim().replace(/\/+$/, "") };
        const pre = await preflightWebLlm(target, probe.features);
        model = pre.info;
        open = () => WebLlmEngine.create(target, pre.modelLibFile, contextSize, (text) => setProgress(text));
        eng = await open();
      }
      let runner = new BrowserSuite(eng, model.fileBytes);
      const results = [];
      for (const w of workloads) {
        const r = await runner.run(w, nReps, (p: SuiteProgress) => setProgress(`${p.workloadId}: ${p.phase === "rep" ? `repetition ${p.done}/${p.total}` : p.phase}`));
        results.push(r);
        if (r.status === "crash" && w !== workloads.at(-1)) {
          // As the native runner's child process per workload: a crash costs one workload, not the session.
          setProgress("the engine crashed: loading it again");
          await eng.dispose().catch(() => {});
          eng = await open();
          runner = new BrowserSuite(eng, model.fileBytes);
        }
      }
      const injected = window.__TOKENWATT_DEVICE__;
      const backend = eng.backend;
      const available: ("wasm" | "webgpu")[] = probe.available ? ["wasm", "webgpu"] : ["wasm"];
      const device = injected
        ? { ...injected, backend, availableBackends: [...new Set([...injected.availableBackends, ...available])] }
        : browserDevice(probe, await userAgentInfo(), backend, available);
      const submission = buildBrowserSubmission({
        submissionId: newSubmissionId(),
        startedAt,
        finishedAt: new Date().toISOString(),
        device,
        engine: eng.info,
        model,
        threads: eng.threads,
        contextSize,
        repetitions: nReps,
        workloads: results,
      });
      setProgress(null);
      setState({ status: "done", submission, error: null });
    } catch (e) {
      setProgress(null);
      setState({ status: "error", submission: null, error: (e as Error).message });
    } finally {
      await eng?.dispose().catch(() => {});
    }
  };

  useEffect(() => {
    if (params.get("auto") === "1" && models && !started.current && !urlError.current) {
      started.current = true;
      void run();
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [models]);

  const s = state.submission;
  return (
    <section className="panel" aria-labelledby="suite-h">
      <h2 id="suite-h">LLM workloads</h2>
      <form className="run-form" onSubmit={(e) => (e.preventDefault(), void run())}>
        <label>
          Engine
          <select name="engine" value={engine} onChange={(e) => setEngine(e.target.value)}>
            <option value="wllama">wllama: llama.cpp in WebAssembly (CPU)</option>
            <option value="web-llm">web-llm: MLC on WebGPU</option>
          </select>
        </label>
        {engine === "wllama" ? (
          <label>
            Model (GGUF served by this server)
            <select name="model" value={modelId} onChange={(e) => setModelId(e.target.value)}>
              {models === null && <option value="">loading this server&apos;s models…</option>}
              {models?.length === 0 && <option value="">none: this server offers no GGUF file</option>}
              {models?.map((m) => (
                <option key={m.id} value={m.id}>
                  {m.info.name} {m.info.quantization} ({m.info.weights}, {(m.fileBytes / 2 ** 20).toFixed(1)} MiB)
                </option>
              ))}
            </select>
          </label>
        ) : (
          <>
            <label>
              web-llm model id
              <input name="webllmModel" value={webLlmModel} onChange={(e) => setWebLlmModel(e.target.value)} />
            </label>
            <label>
              Artifacts base URL
              <input name="webllmBase" value={baseUrl} onChange={(e) => setBaseUrl(e.target.value)} size={50} />
            </label>
          </>
        )}
        <label>
          Suite
          <select name="suite" value={suite} onChange={(e) => setSuite(e.target.value)}>
            <option value="quick">quick ({SUITE_QUICK.map((w) => w.id).join(", ")})</option>
            <option value="v1">v1 ({SUITE_V1.map((w) => w.id).join(", ")})</option>
          </select>
        </label>
        <label>
          Repetitions
          <input name="reps" inputMode="numeric" value={reps} onChange={(e) => setReps(e.target.value)} size={4} />
        </label>
        {engine === "wllama" && (
          <label>
            Threads
            <input name="threads" inputMode="numeric" value={threads} onChange={(e) => setThreads(e.target.value)} size={4} />
          </label>
        )}
        <button type="submit" disabled={state.status === "running" || (engine === "wllama" && models === null)}>
          {state.status === "running" ? "Measuring…" : "Run the suite"}
        </button>
      </form>
      {engine === "web-llm" && (
        <p className="hint">
          Artifacts layout: <code>{"<base>/<model id>/resolve/main/"}</code> (mlc-chat-config.json, tensor-cache.json, shards, tokenizer) and{" "}
          <code>{"<base>/libs/<model library>.wasm"}</code>; this server hosts them from <code>.tokenwatt/webllm/</code>.
        </p>
      )}
      {progress && <p role="status" data-testid="suite-progress">{progress}</p>}
      {state.error && (
        <p className="field-error" role="alert" data-testid="suite-error">
          {state.error}
        </p>
      )}
      {s && (
        <>
          <table data-testid="suite-results">
            <caption>
              {s.model.name} {s.model.quantization} · {s.engine.name} {s.engine.version} · {s.device.backend}
              {s.options.threads ? ` · ${s.options.threads} threads` : ""}, measured in this browser now
            </caption>
            <thead>
              <tr>
                <th scope="col">Workload</th>
                <th scope="col">Status</th>
                <th scope="col" className="num">Tokens/s (mean)</th>
                <th scope="col" className="num">Repetitions</th>
              </tr>
            </thead>
            <tbody>
              {s.workloads.map((w) => (
                <tr key={w.workloadId}>
                  <th scope="row">{w.workloadId}</th>
                  <td>{w.status === "ok" ? "ok" : <span className="field-error">{w.error}</span>}</td>
                  <td className="num">{w.samples.length ? mean(w.samples.map((x) => ((x.promptTokens + x.genTokens) * 1e9) / x.durationNs)).toFixed(1) : "—"}</td>
                  <td className="num">{w.samples.length}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <UploadPanel submission={s} ownerMode={ownerMode} initialCode={params.get("pair") ?? ""} />
        </>
      )}
    </section>
  );
}
