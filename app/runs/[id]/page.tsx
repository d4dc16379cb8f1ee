import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { publicReadDb, serverDeps } from "../../../lib/server/context";
import { pageCaller } from "../../components/action-caller";
import { getRun } from "../../../lib/server/read/runs";
import { formatBytes, formatJPerToken, formatMedian, formatNumber, formatTtft, flagLabel, formatOptions, formatUtcMinute, loadLine } from "../../../lib/core/present/format";
import { ttftStats } from "../../../lib/core/measure/stats";
import { BatchSweepChart, PowerTraceChart, SustainedChart } from "../../components/charts";
import { MIN_THROTTLE_DROP, sustainedSummary, THROTTLE_ALPHA } from "../../../lib/core/measure/sustained";
import { unbatchedId } from "../../../lib/core/contracts/workloads";
import type { ImportSource, SustainedSeries, ThermalStart, WebGpuInfo, WorkloadResult } from "../../../lib/core/contracts/submission";
import { OutputCheck, WebGpuPlacement } from "./output-check";
import { BatchSweepTable, SamplesTable } from "./workload-tables";
import { PublishForm } from "../../components/publish-form";
import { pageAudience } from "../../../lib/server/access/audience";
import { HEADLINE_WORKLOADS, formatTs } from "../../../lib/server/read/headline";
import { notFoundMetadata, pageMetadata } from "../../components/page-metadata";
import { deviceName } from "../../../lib/core/present/device-name";

type WorkloadLoad = NonNullable<WorkloadResult["load"]>;

export const dynamic = "force-dynamic";

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }): Promise<Metadata> {
  const run = await getRun(await publicReadDb(), (await params).id, pageAudience());
  if (!run) return notFoundMetadata("Run");
  const { sub, device, model, engine } = run;
  const on = `${model.name} ${model.quantization} on ${deviceName(device)}`;
  const figures = HEADLINE_WORKLOADS.flatMap((wid) => {
    const w = run.workloads.find((x) => x.workloadId === wid && x.status === "ok" && x.medianTokensPerSec != null);
    return w ? [`${wid} ${formatTs(w.medianTokensPerSec!)} t/s`] : [];
  });
  return pageMetadata({
    title: `${on} · Tokenwatt`,
    description: `${on}, ${engine.name} ${engine.version} (${sub.backend}), ${sub.startedAt.toISOString().slice(0, 10)}${figures.length ? `: ${figures.join(", ")} (median over repetitions)` : ""}. Raw samples, memory, energy and provenance.`,
    path: `/runs/${sub.id}`,
    image: true,
  });
}

/** Peak memory and its parts, each only where it was measured. */
function memoryLine(w: { peakRssBytes: number | null; baselineRssBytes: number | null; modelBytes: number | null; kvBytes: number | null; kvUsedBytes: number | null; otherBytes: number | null; vramBytes: number | null }): string {
  const parts = [
    w.baselineRssBytes != null && `runtime ${formatBytes(w.baselineRssBytes)}`,
    w.modelBytes != null && `weights ${formatBytes(w.modelBytes)}`,
    w.kvBytes != null && `KV cache ${formatBytes(w.kvBytes)} allocated${w.kvUsedBytes != null ? ` (${formatBytes(w.kvUsedBytes)} filled by this workload)` : ""}`,
    w.otherBytes != null && `compute buffers and the rest ${formatBytes(w.otherBytes)}`,
  ].filter(Boolean);
  const overBaseline = w.peakRssBytes != null && w.baselineRssBytes != null ? `, ${formatBytes(w.peakRssBytes - w.baselineRssBytes)} over the runtime` : "";
  return `peak RSS ${formatBytes(w.peakRssBytes)}${overBaseline}${parts.length ? ` (${parts.join(", ")})` : ""}${w.vramBytes != null ? `; GPU memory ${formatBytes(w.vramBytes)}` : ""}`;
}

/** The host's bandwidth with its method, and the GPU memory's where recorded. */
function bandwidthLine(hostGBps: number | null, d: { memoryBandwidthMethod?: string | null; deviceMemoryBandwidth?: { gbps: number; source: string; note: string | null } | null }): string {
  const host =
    hostGBps == null
      ? "host: not measured"
      : `host ${formatNumber(hostGBps)} GB/s (${d.memoryBandwidthMethod === "read-native" ? "native read kernel" : d.memoryBandwidthMethod === "read-stream" ? "WebAssembly read stream" : "copy benchmark, bytes copied: about half the read bandwidth"})`;
  const gpu = d.deviceMemoryBandwidth ? `; GPU memory ${formatNumber(d.deviceMemoryBandwidth.gbps)} GB/s (${d.deviceMemoryBandwidth.source}${d.deviceMemoryBandwidth.note ? `: ${d.deviceMemoryBandwidth.note}` : ""})` : "";
  return host + gpu;
}

/** The temperatures a workload started at, or that none was read. */
function thermalLine(t: ThermalStart | null): string {
  if (!t) return "Started at: no temperature sensor read.";
  const parts = [t.cpuC != null && `CPU/SoC ${formatNumber(t.cpuC, 1)} °C`, t.gpuC != null && `GPU ${formatNumber(t.gpuC, 1)} °C`, t.batteryPct != null && `battery ${formatNumber(t.batteryPct, 0)}%`].filter(Boolean);
  return `Started at ${parts.join(", ")} (${t.sources.join(", ")}).`;
}

/** A sustained run: the summary derived at ingest and the per-interval chart. */
function Sustained({ w }: { w: { workloadId: string; samplesNs: number[]; samplesGenTokens: number[]; samplesEnergyJ: (number | null)[] | null; sustained: unknown; peakTs: number | null; steadyTs: number | null; throttleRatio: number | null; timeToThrottleS: number | null } }) {
  const series = w.sustained as SustainedSeries;
  const summary = sustainedSummary(w.samplesNs.map((ns, k) => ({ durationNs: ns, genTokens: w.samplesGenTokens[k]! })));
  if (!summary) return null;
  const points = summary.tokensPerS.map((ts, k) => ({
    s: summary.startS[k]! + w.samplesNs[k]! / 2e9,
    tokensPerSec: ts,
    powerW: w.samplesEnergyJ?.[k] == null ? null : w.samplesEnergyJ[k]! / (w.samplesNs[k]! / 1e9),
    cpuC: series.cpuC[k] ?? null,
    gpuC: series.gpuC[k] ?? null,
  }));
  const battery = series.batteryPct.filter((x): x is number => x != null);
  return (
    <div data-testid="sustained">
      <p>
        Sustained decoding, {summary.tokensPerS.length} intervals of {series.intervalS} s: peak <strong>{formatNumber(summary.peakTokensPerS)}</strong> tokens/s, steady state{" "}
        <strong>{formatNumber(summary.steadyTokensPerS)}</strong> tokens/s (median of the last quarter; peak: of the first), throttle ratio <strong>×{formatNumber(summary.throttleRatio, 2)}</strong>;{" "}
        {summary.timeToThrottleS == null
          ? `no throttling (it counts when the last quarter is slower than the first at p < ${THROTTLE_ALPHA}${summary.pValue == null ? ", which a run this short cannot show" : `, here p = ${formatNumber(summary.pValue, 3)}`}, and by at least ${MIN_THROTTLE_DROP * 100}%)`
          : `throttled after ${formatNumber(summary.timeToThrottleS, 0)} s (the change point; the last quarter is slower than the first at p < ${THROTTLE_ALPHA}, and by at least ${MIN_THROTTLE_DROP * 100}%)`}
        {summary.noise == null ? "" : `; interval-to-interval noise ${formatNumber(summary.noise * 100, 1)}%`}
        {battery.length > 1 ? `; battery ${formatNumber(battery[0]!, 0)}% to ${formatNumber(battery[battery.length - 1]!, 0)}%` : ""}.
      </p>
      <SustainedChart points={points} label={w.workloadId} peak={summary.peakTokensPerS} steady={summary.steadyTokensPerS} />
    </div>
  );
}

export default async function RunPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const db = await publicReadDb();
  const { may, mayOn } = await pageCaller((await serverDeps()).db);
  const run = await getRun(db, id, pageAudience());
  if (!run) notFound();
  const { sub, device, model, engine } = run;
  const source = sub.source as ImportSource | null;
  const flags = (sub.flags as { workloadId: string | null; code: string; message: string }[]) ?? [];
  const flaggedWorkloads = new Set(flags.map((f) => f.workloadId).filter((id) => id != null));
  const idle = run.readings.filter((r) => r.kind === "idle");
  const after = run.readings.filter((r) => r.kind === "idle-after");
  const idleAfter = (sensor: string) => {
    const a = after.find((r) => r.sensor === sensor);
    return a?.avgPowerW == null ? "" : `, ${formatNumber(a.avgPowerW)} W after the run`;
  };
  return (
    <>
      <h1>
        Run {sub.id.slice(0, 8)}{" "}
        <span className={`badge ${sub.plausible && flaggedWorkloads.size === 0 ? "reported" : "flagged"}`}>
          {!sub.plausible ? "flagged implausible" : flaggedWorkloads.size ? `${flaggedWorkloads.size} of ${run.workloads.length} workloads flagged` : "plausible"}
        </span>{" "}
        {!sub.published && <span className="badge">private</span>}
      </h1>
      {(may("publish") || mayOn("hide", device.contributorId)) && <PublishForm target="run" id={sub.id} published={sub.published} canPublish={may("publish")} />}
      <p className="lede">
        <Link href={`/models/${model.id}`}>{model.name} {model.quantization}</Link> ({model.weights} weights) on <Link href={`/devices/${device.id}`}>{deviceName(device)}</Link>, {engine.name}{" "}
        {engine.version}, backend {sub.backend}. Started <time dateTime={sub.startedAt.toISOString()}>{formatUtcMinute(sub.startedAt)}</time>.
      </p>
      {flags.length > 0 && (
        <ul className="field-error" aria-label="Plausibility flags">
          {flags.map((f, k) => (
            <li key={k}>
              {f.workloadId ?? "run"}: <strong>{flagLabel(f.code)}</strong>: {f.message}
            </li>
          ))}
        </ul>
      )}
      <h2>Provenance</h2>
      <dl className="facts">
        <dt>CPU</dt>
        <dd>
          {device.cpuModel} ({device.cpuCores} cores, {device.cpuThreads} threads)
        </dd>
        <dt>Memory</dt>
        <dd>{device.ramBytes == null ? "not reported (a browser cannot know it)" : formatBytes(device.ramBytes)}</dd>
        <dt>OS</dt>
        <dd>
          {device.osPlatform} {device.osRelease} {device.osDistro ?? ""}
        </dd>
        <dt>Engine build</dt>
        <dd>{engine.build ?? "—"}</dd>
        <dt>Runner</dt>
        <dd>
          {sub.runnerName} {sub.runnerVersion} {sub.runnerCommit ?? ""}
        </dd>
        {source && (
          <>
            <dt>Imported</dt>
            <dd data-testid="import-source">
              {source.tool} output ({source.format}), measured on {source.machine === "this" ? "the importing machine" : "another machine"}
              {source.url ? (
                <>
                  , from{" "}
                  <a href={source.url} rel="nofollow noopener">
                    {source.url}
                  </a>
                </>
              ) : (
                ", from a local file"
              )}
              {source.format === "json" || source.format === "jsonl" ? "" : `; each test is llama-bench's printed mean and deviation over ${sub.options ? (sub.options as { repetitions: number }).repetitions : "?"} repetitions (one mean repetition stored, not the repetitions)`}
              {source.timeKnown ? "" : "; the output gave no time (the import time is shown)"}
              {source.note ? `; ${source.note}` : ""}
            </dd>
          </>
        )}
        <dt>Options</dt>
        <dd>
          <code>{formatOptions(sub.options)}</code>
        </dd>
        <dt>Memory bandwidth</dt>
        <dd>{bandwidthLine(sub.memoryBandwidthGBps, sub.deviceSnapshot as { memoryBandwidthMethod?: string | null; deviceMemoryBandwidth?: { gbps: number; source: string; note: string | null } | null })}</dd>
        <dt>Model file</dt>
        <dd>
          {formatBytes(model.fileBytes)}, sha256 {model.sha256 ?? "— (synthetic or unknown)"}
        </dd>
        <dt>Idle power</dt>
        <dd>{idle.length ? idle.map((r) => `${r.sensor}: ${formatNumber(r.avgPowerW)} W (${r.method}, ${r.scope}${r.tier ? `, ${r.tier}` : ""})${idleAfter(r.sensor)}`).join("; ") : "unavailable (no power meter)"}</dd>
      </dl>
      <OutputCheck sub={sub} />
      <WebGpuPlacement webgpu={sub.webgpu as WebGpuInfo | null} backend={sub.backend} />
      {(() => {
        // A batch sweep: the same workload at two or more batches (`--suite server`).
        const sweeps = new Map<string, typeof run.workloads>();
        for (const w of run.workloads) sweeps.set(unbatchedId(w.workloadId), [...(sweeps.get(unbatchedId(w.workloadId)) ?? []), w]);
        return [...sweeps.entries()]
          .filter(([, ws]) => ws.some((w) => w.nBatch > 1))
          .map(([base, ws]) => (
            <section key={base} className="panel" aria-labelledby={`sweep-${base}`} data-testid="batch-sweep">
              <h2 id={`sweep-${base}`}>
                Batch sweep: <code>{base}</code> with B parallel sequences
              </h2>
              <BatchSweepTable workloads={ws} />
              <BatchSweepChart
                label={base}
                points={ws
                  .filter((w) => w.status === "ok")
                  .sort((a, c) => a.nBatch - c.nBatch)
                  .map((w) => ({ batch: w.nBatch, tokensPerSec: w.medianTokensPerSec, jPerToken: w.jPerToken }))}
              />
            </section>
          ));
      })()}
      <h2>Workloads</h2>
      <p className="hint" data-testid="run-downloads">
        This run&apos;s results: <a href={`/api/v1/results?submission=${sub.id}&format=csv`}>CSV</a> ·{" "}
        <a href={`/api/v1/results?submission=${sub.id}`}>JSON</a> (every figure, the raw samples in JSON; columns documented in docs/api.md) ·
        llama-bench <a href={`/api/v1/runs/${sub.id}/llama-bench.json`}>JSON</a> · <a href={`/api/v1/runs/${sub.id}/llama-bench.csv`}>CSV</a> (its{" "}
        <code>-o json</code> and <code>-o csv</code> fields; <code>tokenwatt import llama-bench</code> reads them back) · the{" "}
        <a href={`/api/v1/runs/${sub.id}/submission.json`}>submission</a> as stored.
      </p>
      {run.workloads.map((w) => {
        const readings = run.readings.filter((r) => r.workloadResultId === w.id);
        const traces = run.traces.filter((t) => t.workloadResultId === w.id);
        return (
          <section key={w.id} className="panel workload" aria-labelledby={`w-${w.id}`}>
            <h3 id={`w-${w.id}`}>
              <code>{w.workloadId}</code> {w.status !== "ok" && <span className="badge failed">{w.status}: {w.error}</span>}{" "}
              {w.status === "ok" && !w.plausible && (
                <>
                  <span className="badge flagged">{[...new Set(flags.filter((f) => f.workloadId === w.workloadId).map((f) => flagLabel(f.code)))].join(", ") || "implausible"}</span>{" "}
                  <span className="hint">{flags.filter((f) => f.workloadId === w.workloadId).map((f) => f.message).join("; ")}</span>
                </>
              )}
            </h3>
            <p>
              {w.workloadId === "ttft"
                ? formatTtft(ttftStats(w.samplesNs.map((ns, k) => ({ durationNs: ns, promptTokens: w.samplesPromptTokens[k]!, genTokens: w.samplesGenTokens[k]! }))))
                : formatMedian(w.medianTokensPerSec, w.p25TokensPerSec, w.p75TokensPerSec, w.samplesNs.length, "tokens/s (median over repetitions)")}
              {w.medianFirstTokenNs != null && w.nBatch === 1 && w.nPrompt > 0 && `; first token ${formatNumber(w.medianFirstTokenNs / 1e6, 0)} ms after a ${w.nPrompt}-token prompt (median)`}
              ; memory: <span data-testid="memory">{memoryLine(w)}</span>; energy per token: <span data-testid="j-per-token">{formatJPerToken(w.jPerToken, w.energyScope, w.energyTier, 3, w.jPerTokenRange)}</span>
              {w.jPerToken == null && (w.decodeJPerToken ?? w.prefillJPerToken) != null &&
                ` (measured before per-repetition windows: ${formatJPerToken(w.decodeJPerToken ?? w.prefillJPerToken, w.energyScope, w.energyTier)} over one window from the first repetition to the last, untimed work included)`}
              {w.jPerTokenAboveIdle != null && ` (${formatNumber(w.jPerTokenAboveIdle, 3)} J above idle${w.jPerTokenAboveIdle < 0 ? ": below the idle baseline, noise" : ""})`}
              {w.energySensors?.length ? `; sensors ${w.energySensors.join(", ")}` : ""}.{" "}
              <span data-testid="thermal-start">{thermalLine(w.thermalStart as ThermalStart | null)}</span>{" "}
              <span data-testid="cpu-load">{loadLine(w.load as WorkloadLoad | null)}</span>
            </p>
            {w.sustained != null && w.status === "ok" && <Sustained w={w} />}
            <SamplesTable w={w} />
            {readings.length > 0 && (
              <p>
                Power:{" "}
                {readings
                  .map((r) => `${r.sensor} ${r.scope}: ${r.energyJ == null ? "unavailable" : `${formatNumber(r.energyJ, 2)} J`}, ${formatNumber(r.avgPowerW)} W avg over the timed repetitions (${r.method}${r.tier ? `, ${r.tier}` : ""}${r.rangeJ?.length === 2 ? `, range ${formatNumber(r.rangeJ[0], 2)}–${formatNumber(r.rangeJ[1], 2)} J` : ""})${r.flags.includes("short_window") ? "; repetitions shorter than 3 sensor periods: interpolated" : ""}`)
                  .join("; ")}
              </p>
            )}
            {traces.map((t) => (
              <PowerTraceChart key={t.id} tMs={t.tMs} powerW={t.powerW} label={`${w.workloadId} (${t.sensor})`} />
            ))}
          </section>
        );
      })}
    </>
  );
}
