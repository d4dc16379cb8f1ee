"use client";

import { useEffect, useRef, useState } from "react";
import type { Submission } from "../../lib/core/contracts/submission";
import { isSuiteName, resolveWorkloads, SUITE_NAMES, SUITES, WorkloadListError, type SuiteName } from "../../lib/core/contracts/workloads";
import { runSummary } from "../../lib/core/measure/stats";
import { formatMedian } from "../../lib/core/present/format";
import { PAGE_STATE_GLOBAL, INJECTED_DEVICE_GLOBAL, type PageState } from "../../runners/browser/bridge";
import { BROWSER_ENGINE_LABELS, BROWSER_ENGINES, runBrowserSession, type BrowserEngineName, type EngineTarget } from "../../runners/browser/session";
import type { WebGpuProbe } from "../../runners/browser/webgpu-bench";
import { classifyFailure } from "../../lib/core/measure/failure-taxonomy";
import { UploadPanel } from "./upload-panel";
import { EngineComparison, RunFacts, type EngineOutcome, type NativeRef } from "./engine-comparison";
import { DataTable, type Column } from "../components/data-table";

interface CatalogModel {
  id: string;
  fileName: string;
  fileBytes: number;
  info: Submission["model"];
  native: NativeRef[];
}

type EngineChoice = BrowserEngineName | "all";
const isEngineChoice = (v: string): v is EngineChoice => v === "all" || (BROWSER_ENGINES as readonly string[]).includes(v);

export function SuiteRunner({ probe, webLlmBaseUrl, ownerMode }: { probe: WebGpuProbe; webLlmBaseUrl: string; ownerMode: boolean }) {
  const params = typeof window === "undefined" ? new URLSearchParams() : new URLSearchParams(window.location.search);
  const [models, setModels] = useState<CatalogModel[] | null>(null);
  const [engine, setEngine] = useState<EngineChoice>(isEngineChoice(params.get("engine") ?? "") ? (params.get("engine") as EngineChoice) : "wllama");
  const [outcomes, setOutcomes] = useState<EngineOutcome[]>([]);
  const [modelId, setModelId] = useState(params.get("model") ?? "");
  const [webLlmModel, setWebLlmModel] = useState(params.get("webllmModel") ?? "SmolLM2-135M-Instruct-q0f32-MLC");
  // web-llm's base: this server's artifacts (with a phone's pairing code in the path), or the base the
  // server is configured with; a link cannot point a phone at another host's model libraries.
  const pairPath = params.get("pair") ? `/pair/${encodeURIComponent(params.get("pair")!)}` : "";
  const defaultBase = webLlmBaseUrl || `${typeof window === "undefined" ? "" : window.location.origin}/api/v1/browser/webllm${pairPath}`;
  const linkedBase = params.get("webllmBase");
  const [baseUrl, setBaseUrl] = useState(linkedBase != null && webLlmBaseAllowed(linkedBase, defaultBase, webLlmBaseUrl) ? linkedBase : defaultBase);
  const [suite, setSuite] = useState<SuiteName>(params.get("suite") === "v1" ? "v1" : "quick");
  const [reps, setReps] = useState(params.get("reps") ?? "3");
  const [threads, setThreads] = useState(params.get("threads") ?? String(probe.hints.hardwareConcurrency ?? 1));
  const [progress, setProgress] = useState<string | null>(null);
  const [state, setState] = useState<PageState>({ status: "idle", submission: null, error: null });
  const started = useRef(false);
  // A link that names an engine, suite or model this page cannot honour is refused, not guessed.
  const urlError = useRef<string | null>(
    params.has("engine") && !isEngineChoice(params.get("engine")!)
      ? `unknown engine "${params.get("engine")}" in the link: ${[...BROWSER_ENGINES, "all"].join(", ")}`
      : params.has("suite") && !isSuiteName(params.get("suite")!)
        ? `unknown suite "${params.get("suite")}" in the link: ${SUITE_NAMES.join(" or ")}`
        : linkedBase != null && !webLlmBaseAllowed(linkedBase, defaultBase, webLlmBaseUrl)
          ? `the link names a web-llm base this server does not use (${linkedBase.slice(0, 80)}): only its own artifacts or its configured base`
          : null,
  );
  // A public server opens its model catalog to a browser holding a live pairing code.
  const pairQuery = params.get("pair") ? `?pair=${encodeURIComponent(params.get("pair")!)}` : "";

  useEffect(() => {
    window[PAGE_STATE_GLOBAL] = state;
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
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the catalog is fetched once, for the link the page was opened with
  }, []);

  const run = async () => {
    const nReps = Number(reps);
    const nThreads = Number(threads);
    if (!Number.isInteger(nReps) || nReps < 1 || nReps > 100) return setState({ status: "error", submission: null, error: "repetitions must be a whole number from 1 to 100" });
    if (!Number.isInteger(nThreads) || nThreads < 1 || nThreads > 256) return setState({ status: "error", submission: null, error: "threads must be a whole number from 1 to 256" });
    // ?workloads=pp512,tg128 (as `bench -w`) overrides the suite.
    let workloads;
    try {
      workloads = resolveWorkloads(suite, params.get("workloads"));
    } catch (e) {
      if (e instanceof WorkloadListError) return setState({ status: "error", submission: null, error: `in ?workloads=: ${e.message}` });
      throw e;
    }
    const m = models?.find((x) => x.id === modelId);
    const engines: BrowserEngineName[] = engine === "all" ? [...BROWSER_ENGINES] : [engine];
    if (engines.some((e) => e !== "web-llm") && !m) {
      return setState({ status: "error", submission: null, error: models?.length ? "choose a model" : "this server offers no GGUF models: run `npx tokenwatt bench -m synthetic:smollm2-135m:Q8_0` once, or set TOKENWATT_MODELS_DIR" });
    }
    setState({ status: "running", submission: null, error: null });
    setOutcomes([]);
    // One engine after the other on this device: a failure is counted and the next engine runs.
    const done: EngineOutcome[] = [];
    for (const e of engines) {
      const target: EngineTarget =
        e === "web-llm"
          ? { engine: "web-llm", modelId: webLlmModel, baseUrl }
          : { engine: e, model: m!.info, fileName: m!.fileName, modelUrl: `/api/v1/browser/models/${m!.id}${pairQuery}`, wasmUrl: "/api/v1/browser/wllama.wasm", threads: nThreads };
      try {
        const submission = await runBrowserSession({ target, workloads, repetitions: nReps, probe, injectedDevice: window[INJECTED_DEVICE_GLOBAL], onProgress: (t) => setProgress(engines.length > 1 ? `${e}: ${t}` : t) });
        done.push({ engine: e, submission, error: null, failureClass: null });
      } catch (err) {
        const message = (err as Error).message;
        done.push({ engine: e, submission: null, error: message, failureClass: classifyFailure(message) });
      }
      setOutcomes([...done]);
    }
    setProgress(null);
    const measured = done.flatMap((o) => (o.submission ? [o.submission] : []));
    const failures = done.flatMap((o) => (o.error ? [{ engine: o.engine, error: o.error, failureClass: o.failureClass! }] : []));
    if (engines.length === 1 && failures.length) setState({ status: "error", submission: null, error: failures[0]!.error, submissions: [], failures });
    else setState({ status: "done", submission: measured[0] ?? null, error: null, submissions: measured, failures });
  };

  useEffect(() => {
    if (params.get("auto") === "1" && models && !started.current && !urlError.current) {
      started.current = true;
      void run();
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps -- starts once, when the catalog has loaded
  }, [models]);

  const s = state.submission;
  return (
    <section className="panel" aria-labelledby="suite-h">
      <h2 id="suite-h">LLM workloads</h2>
      <form className="run-form" onSubmit={(e) => (e.preventDefault(), void run())}>
        <label>
          Engine
          <select name="engine" value={engine} onChange={(e) => setEngine(e.target.value as EngineChoice)}>
            {BROWSER_ENGINES.map((e) => (
              <option key={e} value={e}>
                {BROWSER_ENGINE_LABELS[e]}
              </option>
            ))}
            <option value="all">All three engines, one after the other</option>
          </select>
        </label>
        {engine !== "web-llm" && (
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
        )}
        {(engine === "web-llm" || engine === "all") && (
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
          <select name="suite" value={suite} onChange={(e) => setSuite(e.target.value as SuiteName)}>
            {SUITE_NAMES.map((name) => (
              <option key={name} value={name}>
                {name} ({SUITES[name].map((w) => w.id).join(", ")})
              </option>
            ))}
          </select>
        </label>
        <label>
          Repetitions
          <input name="reps" inputMode="numeric" value={reps} onChange={(e) => setReps(e.target.value)} size={4} />
        </label>
        {engine !== "web-llm" && (
          <label>
            Threads
            <input name="threads" inputMode="numeric" value={threads} onChange={(e) => setThreads(e.target.value)} size={4} />
          </label>
        )}
        <button type="submit" disabled={state.status === "running" || (engine !== "web-llm" && models === null)}>
          {state.status === "running" ? "Measuring…" : "Run the suite"}
        </button>
      </form>
      {(engine === "web-llm" || engine === "all") && (
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
      {outcomes.length > 1 && <EngineComparison outcomes={outcomes} native={models?.find((x) => x.id === modelId)?.native ?? []} ownerMode={ownerMode} pairCode={params.get("pair") ?? ""} running={state.status === "running"} />}
      {s && outcomes.length <= 1 && (
        <>
          <DataTable
            testId="suite-results"
            caption={
              <>
                {s.model.name} {s.model.quantization} · {s.engine.name} {s.engine.version} · {s.device.backend}
                {s.options.threads ? ` · ${s.options.threads} threads` : ""}, measured in this browser now
              </>
            }
            columns={SUITE_COLUMNS}
            rows={s.workloads}
            rowKey={(w) => w.workloadId}
          />
          <RunFacts submission={s} />
          <UploadPanel submission={s} ownerMode={ownerMode} initialCode={params.get("pair") ?? ""} />
        </>
      )}
    </section>
  );
}

const SUITE_COLUMNS: Column<Submission["workloads"][number]>[] = [
  { header: "Workload", rowHeader: true, cell: (w) => w.workloadId },
  { header: "Status", cell: (w) => (w.status === "ok" ? "ok" : <span className="field-error">{w.error}</span>) },
  { header: "Tokens/s median (IQR) · TTFT ms median (IQR)", numeric: true, cell: (w) => browserFigure(w) },
  { header: "Repetitions", numeric: true, cell: (w) => w.samples.length },
];

/** A workload's one figure: the median over repetitions with its interquartile range (TTFT in ms at its prompt length). */
function browserFigure(w: Submission["workloads"][number]): string {
  const r = runSummary(w.workloadId, w.samples);
  if (!r) return "—";
  if (w.workloadId === "ttft") return formatMedian(r.ns.median / 1e6, r.ns.p25 == null ? null : r.ns.p25 / 1e6, r.ns.p75 == null ? null : r.ns.p75 / 1e6, null, `ms @ ${w.samples[0]?.promptTokens ?? "?"} tokens`);
  return r.ts ? formatMedian(r.ts.median, r.ts.p25, r.ts.p75, null, "") : "—";
}

/** A web-llm base a link may name: this server's own artifacts or its configured base, nothing else. */
export function webLlmBaseAllowed(linked: string, defaultBase: string, configured: string): boolean {
  const norm = (u: string) => u.replace(/\/+$/, "");
  return norm(linked) === norm(defaultBase) || (configured !== "" && norm(linked) === norm(configured));
}
