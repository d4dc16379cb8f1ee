"use client";

import { useEffect, useState } from "react";
import { probeWebGpu, runWebGpuBench, type WebGpuBench, type WebGpuProbe } from "../../runners/browser/webgpu-bench";
import { SuiteRunner } from "./suite-runner";
import { formatLimits } from "../../lib/core/present/format";
import { DataTable, type Column } from "../components/data-table";

const fmt = (v: number | null, d = 2) => (v == null || !Number.isFinite(v) ? "—" : v.toFixed(d));

/** One measured figure of the micro-benchmarks, with the test id the e2e tests read it by. */
interface BenchRow {
  measure: string;
  value: string;
  testId?: string;
}
const benchRows = (b: WebGpuBench): BenchRow[] => [
  { measure: "Copy bandwidth (read + write)", value: `${fmt(b.copyBandwidthGBps)} GB/s`, testId: "bandwidth" },
  { measure: "Matrix multiply, f32", value: `${fmt(b.matmulF32GFlops)} GFLOP/s`, testId: "gflops" },
  { measure: "Matrix multiply, f16", value: b.matmulF16GFlops == null ? "not measured" : `${fmt(b.matmulF16GFlops)} GFLOP/s` },
];
const BENCH_COLUMNS: Column<BenchRow>[] = [
  { header: "Measure", rowHeader: true, cell: (x) => x.measure },
  { header: "Value", numeric: true, cell: (x) => x.value, cellAttrs: (x) => ({ "data-testid": x.testId }) },
];

export function BrowserRunner({ webLlmBaseUrl, ownerMode }: { webLlmBaseUrl: string; ownerMode: boolean }) {
  const [probe, setProbe] = useState<WebGpuProbe | null>(null);
  const [adapter, setAdapter] = useState<GPUAdapter | null>(null);
  const [bench, setBench] = useState<WebGpuBench | null>(null);
  const [state, setState] = useState<"probing" | "ready" | "running" | "done" | "error">("probing");
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    probeWebGpu()
      .then((r) => {
        setProbe(r.probe);
        setAdapter(r.adapter);
        setState("ready");
      })
      .catch((e: Error) => {
        setError(`WebGPU probe failed: ${e.message}`);
        setState("error");
      });
  }, []);

  const run = async () => {
    if (!adapter) return;
    setState("running");
    setError(null);
    try {
      setBench(await runWebGpuBench(adapter));
      setState("done");
    } catch (e) {
      setError(`The micro-benchmarks failed: ${(e as Error).message}`);
      setState("error");
    }
  };

  if (!probe) return <p role="status">{error ?? "Probing WebGPU…"}</p>;
  return (
    <div>
      <section className="panel" aria-labelledby="probe-h">
        <h2 id="probe-h">This device</h2>
        <dl className="facts" data-testid="probe">
          {typeof window !== "undefined" && !window.isSecureContext && (
            <>
              <dt>Secure context</dt>
              <dd className="field-error" data-testid="insecure">
                no: this page was opened over plain HTTP on a network address, so the browser withholds WebGPU and WebAssembly threads
                (wllama still runs, on one thread). Serve the dashboard over HTTPS (a reverse proxy) to measure those.
              </dd>
            </>
          )}
          {typeof window !== "undefined" && window.isSecureContext && !window.crossOriginIsolated && (
            <>
              <dt>Threads</dt>
              <dd className="field-error">this page is not cross-origin isolated: wllama runs on one thread</dd>
            </>
          )}
          <dt>WebGPU</dt>
          <dd>{probe.available ? "available" : <span className="field-error">{probe.reason}</span>}</dd>
          {probe.adapter && (
            <>
              <dt>Adapter</dt>
              <dd>
                {[probe.adapter.vendor, probe.adapter.architecture, probe.adapter.device, probe.adapter.description].filter(Boolean).join(" · ") || "unnamed"}
                {probe.adapter.isFallbackAdapter && " (software fallback adapter: figures describe the CPU emulation, not a GPU)"}
              </dd>
              <dt>Features</dt>
              <dd>{probe.features.join(", ") || "none"}</dd>
              <dt>Limits</dt>
              <dd>{formatLimits(probe.limits)}</dd>
            </>
          )}
          <dt>CPU threads</dt>
          <dd>{probe.hints.hardwareConcurrency ?? "not reported"}</dd>
          <dt>Device memory</dt>
          <dd>{probe.hints.deviceMemoryGiB == null ? "not reported" : `${probe.hints.deviceMemoryGiB} GiB or more (browser-rounded)`}</dd>
          <dt>User agent</dt>
          <dd>{probe.hints.userAgent}</dd>
        </dl>
      </section>
      <SuiteRunner probe={probe} webLlmBaseUrl={webLlmBaseUrl} ownerMode={ownerMode} />
      {probe.available && (
        <section className="panel" aria-labelledby="bench-h">
          <h2 id="bench-h">Roofline micro-benchmarks</h2>
          <button onClick={run} disabled={state === "running"}>
            {state === "running" ? "Measuring…" : "Measure bandwidth and matrix throughput"}
          </button>
          {bench && (
            <DataTable testId="bench" caption="Measured in this browser, now" columns={BENCH_COLUMNS} rows={benchRows(bench)} rowKey={(x) => x.measure} />
          )}
          {bench?.f16Note && <p className="hint" data-testid="f16-note">{bench.f16Note}</p>}
        </section>
      )}
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
