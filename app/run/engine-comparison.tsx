"use client";

import { useState } from "react";
import type { Submission } from "../../lib/core/contracts/submission";
import { countFailures } from "../../lib/core/measure/failure-taxonomy";
import { fingerprintHash } from "../../lib/core/measure/fingerprint";
import { runSummary } from "../../lib/core/measure/stats";
import { INJECTED_DEVICE_GLOBAL } from "../../runners/browser/bridge";
import type { BrowserEngineName } from "../../runners/browser/session";
import { UploadPanel } from "./upload-panel";
import { DataTable, type Column } from "../components/data-table";

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

/** A row of the engines table: native llama.cpp's reference, or one browser engine's outcome. */
type EngineRow = { kind: "native"; ref: NativeRef } | { kind: "engine"; o: EngineOutcome };

/** The engines table's columns: one per workload, with each engine's ratio to the native reference's tokens/s. */
function engineColumns(workloads: string[], ref: NativeRef | null): Column<EngineRow>[] {
  const tpsOf = (o: EngineOutcome, w: string) => {
    const r = o.submission?.workloads.find((x) => x.workloadId === w);
    return r?.status === "ok" ? (runSummary(r.workloadId, r.samples)?.ts?.median ?? null) : null;
  };
  return [
    { header: "Engine", rowHeader: true, cell: (x) => (x.kind === "native" ? "native llama.cpp" : x.o.engine) },
    {
      header: "Stored as",
      cell: (x) =>
        x.kind === "native" ? (
          x.ref.backend
        ) : (
          <>
            {x.o.submission ? x.o.submission.device.backend : "—"}
            {x.o.submission?.webgpu?.fallbackReason && <span className="hint"> (WebGPU fell back to the CPU)</span>}
          </>
        ),
    },
    ...workloads.map(
      (w): Column<EngineRow> => ({
        key: w,
        header: `${w} t/s${ref ? " (native ÷ browser)" : ""}`,
        numeric: true,
        cell: (x) => {
          if (x.kind === "native") return fmt(x.ref.medians[w]);
          const tps = tpsOf(x.o, w);
          const nat = ref?.medians[w];
          return `${fmt(tps)}${tps && nat ? ` (÷${fmt(nat / tps, 2)})` : ""}`;
        },
      }),
    ),
    { header: "Fingerprint", cell: (x) => (x.kind === "native" ? "reference" : x.o.submission?.fingerprint ? <code>{fingerprintHash(x.o.submission.fingerprint.tokenIds)}</code> : "—") },
    {
      header: "Failure",
      cell: (x) => (x.kind === "engine" && x.o.error ? <span className="field-error">{x.o.failureClass}: {x.o.error}</span> : ""),
      cellAttrs: () => ({ className: "wrap-cell" }),
    },
  ];
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
      <DataTable testId="engine-table" columns={engineColumns(workloads, ref)} rows={[...(ref ? [{ kind: "native" as const, ref }] : []), ...outcomes.map((o) => ({ kind: "engine" as const, o }))]} rowKey={(x) => (x.kind === "native" ? "native" : x.o.engine)} />
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
