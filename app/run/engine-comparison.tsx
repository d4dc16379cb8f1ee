"use client";

import { useState } from "react";
import type { Submission } from "../../lib/core/contracts/submission";
import { countFailures } from "../../lib/core/measure/failure-taxonomy";
import { fingerprintHash } from "../../lib/core/measure/fingerprint";
import { runSummary } from "../../lib/core/measure/stats";
import { INJECTED_DEVICE_GLOBAL } from "../../runners/browser/bridge";
import type { BrowserEngineName } from "../../runners/browser/session";
import { UploadPanel } from "./upload-panel";

export type { NativeReference as NativeRef } from "../../lib/server/read/native-reference";
import type { NativeReference as NativeRef } from "../../lib/server/read/native-reference";

export interface EngineOutcome {
  engine: BrowserEngineName;
  submission: Submission | null;
  error: string | null;
  failureClass: string | null;
}

const fmt = (v: number | null | undefined, d = 1) => (v == null || !Number.isFinite(v) ? "—" : v.toFixed(d));

/** Where the model really ran and the run's fingerprint, under a single engine's results. */
export function RunFacts({ submission: s }: { submission: Submission }) {
  return (
    <dl className="facts" data-testid="run-facts">
      <dt>Stored as</dt>
      <dd data-testid="stored-backend">
        {s.device.backend}
        {s.webgpu?.fallbackReason && <span className="field-error"> ({s.webgpu.fallbackReason})</span>}
      </dd>
      <dt>Output fingerprint</dt>
      <dd>{s.fingerprint ? <code data-testid="run-fingerprint">{fingerprintHash(s.fingerprint.tokenIds)}</code> : "none (this engine does not report the GGUF's token ids)"}</dd>
    </dl>
  );
}

/** The default native reference: the device `tokenwatt bench-browser` injected, else the newest CPU run. */
function defaultRef(native: NativeRef[]): number {
  const injected = typeof window === "undefined" ? undefined : window[INJECTED_DEVICE_GLOBAL];
  const i = injected ? native.findIndex((n) => n.cpuModel === injected.cpu.model && n.backend === "cpu") : -1;
  if (i >= 0) return i;
  const cpu = native.findIndex((n) => n.backend === "cpu");
  return cpu >= 0 ? cpu : 0;
}

/**
 * Three engines, one device: each engine's figures beside native llama.cpp's on the same file
 * (the browser tax: native tokens/s divided by the engine's), where its weights went, its output
 * fingerprint, and its failures sorted into the taxonomy users report.
 */
export function EngineComparison({ outcomes, native, ownerMode, pairCode, running }: { outcomes: EngineOutcome[]; native: NativeRef[]; ownerMode: boolean; pairCode: string; running: boolean }) {
  const [refIndex, setRefIndex] = useState(() => defaultRef(native));
  const ref = native[refIndex] ?? null;
  const workloads = [...new Set(outcomes.flatMap((o) => o.submission?.workloads.map((w) => w.workloadId) ?? []))].filter((id) => id !== "ttft");
  const failures = countFailures(outcomes.flatMap((o) => (o.error ? [o.error] : [])).concat(outcomes.flatMap((o) => o.submission?.workloads.filter((w) => w.status !== "ok").map((w) => w.error ?? "") ?? [])));
  return (
    <section aria-labelledby="engines-h" data-testid="engine-comparison">
      <h3 id="engines-h">Engines side by side on this device</h3>
      {native.length > 0 ? (
        <label>
          Native reference (node-llama-cpp on the same file){" "}
          <select value={refIndex} onChange={(e) => setRefIndex(Number(e.target.value))} data-testid="native-ref">
            {native.map((n, i) => (
              <option key={i} value={i}>
                {n.deviceName} · {n.backend} · {n.lastRunAt.slice(0, 10)}
              </option>
            ))}
          </select>
        </label>
      ) : (
        <p className="hint" data-testid="no-native">
          No native run of this file yet: run <code>npx tokenwatt bench -m &lt;the same file&gt;</code> on this device to see each engine&apos;s browser tax.
        </p>
      )}
      <div className="table-wrap" tabIndex={0}>
      <table data-testid="engine-table">
        <thead>
          <tr>
            <th scope="col">Engine</th>
            <th scope="col">Stored as</th>
            {workloads.map((w) => (
              <th key={w} scope="col" className="num">
                {w} t/s{ref ? " (native ÷ browser)" : ""}
              </th>
            ))}
            <th scope="col">Fingerprint</th>
            <th scope="col">Failure</th>
          </tr>
        </thead>
        <tbody>
          {ref && (
            <tr>
              <th scope="row">native llama.cpp</th>
              <td>{ref.backend}</td>
              {workloads.map((w) => (
                <td key={w} className="num">
                  {fmt(ref.medians[w])}
                </td>
              ))}
              <td>reference</td>
              <td />
            </tr>
          )}
          {outcomes.map((o) => {
            const s = o.submission;
            return (
              <tr key={o.engine} data-engine={o.engine}>
                <th scope="row">{o.engine}</th>
                <td>
                  {s ? s.device.backend : "—"}
                  {s?.webgpu?.fallbackReason && <span className="hint"> (WebGPU fell back to the CPU)</span>}
                </td>
                {workloads.map((w) => {
                  const r = s?.workloads.find((x) => x.workloadId === w);
                  const tps = r?.status === "ok" ? (runSummary(r.workloadId, r.samples)?.ts?.median ?? null) : null;
                  const nat = ref?.medians[w];
                  return (
                    <td key={w} className="num">
                      {fmt(tps)}
                      {tps && nat ? ` (÷${fmt(nat / tps, 2)})` : ""}
                    </td>
                  );
                })}
                <td>{s?.fingerprint ? <code>{fingerprintHash(s.fingerprint.tokenIds)}</code> : "—"}</td>
                <td className="wrap-cell">{o.error ? <span className="field-error">{o.failureClass}: {o.error}</span> : ""}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      </div>
      {outcomes.map((o) =>
        o.submission?.webgpu?.fallbackReason ? (
          <p key={o.engine} className="field-error" data-testid="engine-fallback">
            {o.engine} is stored as {o.submission.device.backend}: {o.submission.webgpu.fallbackReason}.
          </p>
        ) : null,
      )}
      <p data-testid={running ? "failure-counts-so-far" : "failure-counts"}>
        {running ? "Failures so far" : "Failures"}:{" "}
        {Object.keys(failures).length
          ? Object.entries(failures)
              .map(([k, n]) => `${k} ${n}`)
              .join(", ")
          : "none"}
      </p>
      {outcomes.flatMap((o) =>
        o.submission
          ? [
              <div key={o.engine}>
                <h4>
                  {o.engine} ({o.submission.device.backend})
                </h4>
                <UploadPanel submission={o.submission} ownerMode={ownerMode} initialCode={pairCode} />
              </div>,
            ]
          : [],
      )}
    </section>
  );
}
