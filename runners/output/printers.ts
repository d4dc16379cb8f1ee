/**
 * One list of fields feeds every printer (markdown, csv, json, jsonl), as in llama-bench.
 * Rows are per workload; figures derive from the raw samples.
 */
import type { Submission } from "../../lib/core/contracts/submission";
import { toCsv } from "../../lib/core/present/csv";
import { formatBytes, formatJPerToken, formatSpread, formatTtft } from "../../lib/core/present/format";
import { decodeRoofline } from "../../lib/core/measure/roofline";
import { mean, median, runSummary, stddev, throughputStats, ttftStats } from "../../lib/core/measure/stats";
import { workloadPhase } from "../../lib/core/contracts/workloads";
import { sustainedSummary } from "../../lib/core/measure/sustained";

/** md: a table; json: an array of per-test rows with llama-bench's fields; jsonl and csv: the same rows; submission: the whole submission. */
export const OUTPUT_FORMATS = ["md", "json", "jsonl", "csv", "submission"] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export function resultRows(s: Submission) {
  return s.workloads.map((w) => {
    const st = throughputStats(w.workloadId, w.samples);
    const ttft = w.workloadId === "ttft" ? ttftStats(w.samples) : null;
    const run = runSummary(w.workloadId, w.samples);
    const decode = workloadPhase(w.workloadId) === "decode";
    // The roofline of the memory that holds the weights, with the bytes a token reads (KV included);
    // none for a cache-resident model or where that memory's bandwidth is unknown (GPU backends).
    const eff = decode && st ? (decodeRoofline(s, w, st.avgTokensPerSec)?.efficiency ?? null) : null;
    const e = w.energyPerToken;
    const perRep = w.samples.flatMap((x) => (x.energyJ == null ? [] : [x.energyJ]));
    const sus = w.sustained ? sustainedSummary(w.samples) : null;
    return {
      model: s.model.name,
      weights: s.model.weights,
      quant: s.model.quantization,
      size_bytes: s.model.fileBytes,
      params: s.model.parameterCount,
      backend: s.device.backend,
      threads: s.options.threads,
      test: w.workloadId,
      status: w.status,
      error: w.error,
      avg_ts: st?.avgTokensPerSec ?? null,
      /** The figure Tokenwatt shows: the median over repetitions, its interquartile range (null under 2) and the repetitions. */
      median_ts: run?.ts?.median ?? null,
      p25_ts: run?.ts?.p25 ?? null,
      p75_ts: run?.ts?.p75 ?? null,
      repetitions: w.samples.length,
      /** ttft only: time to first token, ms (median, interquartile range and p90), at a prompt of n_prompt tokens. */
      ttft_ms: ttft?.medianMs ?? null,
      ttft_p25_ms: ttft?.p25Ms ?? null,
      ttft_p75_ms: ttft?.p75Ms ?? null,
      ttft_p90_ms: ttft?.p90Ms ?? null,
      n_prompt: ttft ? ttft.promptTokens : w.nPrompt,
      n_gen: w.nGen,
      n_depth: w.nDepth,
      /** Parallel sequences decoded together (llama-batched-bench's B); avg_ts is their aggregate. */
      n_parallel: w.nBatch,
      avg_ts_per_sequence: st && w.nBatch > 1 ? st.avgTokensPerSec / w.nBatch : (st?.avgTokensPerSec ?? null),
      median_ts_per_sequence: run?.ts ? run.ts.median / w.nBatch : null,
      /** Median over repetitions of the time to each sequence's first generated token (mean over sequences), ms. */
      first_token_ms: w.samples.some((x) => x.firstTokenNs != null) ? median(w.samples.flatMap((x) => (x.firstTokenNs == null ? [] : [x.firstTokenNs / 1e6]))) : null,
      stddev_ts: st?.stddevTokensPerSec ?? null,
      avg_ns: st?.avgNs ?? null,
      stddev_ns: st?.stddevNs ?? null,
      samples_ns: w.samples.map((x) => x.durationNs),
      samples_ts: st?.samplesTokensPerSec ?? null,
      peak_rss_bytes: w.memory.peakRssBytes,
      kv_bytes: w.memory.kvBytes,
      /** The runtime's own memory before the model; the KV the workload fills; the rest of a CPU run's peak. */
      baseline_rss_bytes: w.memory.baselineRssBytes,
      kv_used_bytes: w.memory.kvUsedBytes,
      other_bytes: w.memory.otherBytes,
      model_bytes: w.memory.modelBytes,
      vram_bytes: w.memory.vramBytes,
      j_per_token: e?.totalJ ?? null,
      j_per_token_above_idle: e?.aboveIdleJ ?? null,
      energy_scope: e?.scope ?? null,
      energy_tier: e?.tier ?? null,
      energy_sensors: e?.sensors.join(" ") ?? null,
      /** Modelled energy only: the range [low, high] of j_per_token. */
      j_per_token_range: e?.rangeJ ?? null,
      /** Energy of one repetition (mean and standard deviation over the repetitions), J. */
      j_per_rep: perRep.length === w.samples.length && perRep.length > 0 ? mean(perRep) : null,
      j_per_rep_sd: perRep.length === w.samples.length && perRep.length > 1 ? stddev(perRep) : null,
      energy_flags: [...new Set(w.power.flatMap((p) => p.flags))].join(" ") || null,
      /** sustained only: peak and steady-state tokens/s, steady / peak, and seconds until it throttled (null: it did not). */
      peak_ts: sus?.peakTokensPerS ?? null,
      steady_ts: sus?.steadyTokensPerS ?? null,
      throttle_ratio: sus?.throttleRatio ?? null,
      time_to_throttle_s: sus?.timeToThrottleS ?? null,
      /** The temperatures (°C) and battery level (%) when the timed part started. */
      start_cpu_c: w.thermalStart?.cpuC ?? null,
      start_gpu_c: w.thermalStart?.gpuC ?? null,
      start_battery_pct: w.thermalStart?.batteryPct ?? null,
      decode_roofline_efficiency: eff,
      engine: `${s.engine.name} ${s.engine.version}`,
      build: s.engine.build,
      cpu: s.device.cpu.model,
      test_time: s.startedAt,
      // llama-bench's names for the same facts, so scripts written for llama-bench -o json read these rows
      model_filename: s.model.source,
      model_size: s.model.fileBytes,
      model_n_params: s.model.parameterCount,
      n_threads: s.options.threads,
      n_batch: s.options.batchSize,
      n_gpu_layers: s.options.gpuLayers === "all" ? -1 : s.options.gpuLayers,
      flash_attn: s.options.flashAttention === "auto" ? -1 : s.options.flashAttention == null ? null : s.options.flashAttention ? 1 : 0,
      submission_id: s.submissionId,
    };
  });
}
type Row = ReturnType<typeof resultRows>[number];

const num = (v: number | null, d = 2) => (v == null ? "-" : v.toFixed(d));
/** The median over repetitions with its spread and count: "38.42 (IQR 37.90–38.81, n 5)". */
const figure = (r: Row) => `${num(r.median_ts)}${formatSpread(r.p25_ts, r.p75_ts, r.repetitions, 2)}`;

export function markdown(s: Submission): string {
  const rows = resultRows(s);
  const head = ["model", "quant", "size", "backend", "threads", "test", "t/s median (IQR, n) (ttft: ms)", "peak RSS", "J/token (scope, tier)", "roofline"];
  const lines = [`| ${head.join(" | ")} |`, `| ${head.map((h, i) => (i >= 6 ? "---:" : "---")).join(" | ")} |`];
  for (const r of rows) {
    const ts =
      r.status !== "ok"
        ? `${r.status}: ${r.error ?? ""}`.slice(0, 60)
        : r.ttft_ms != null
          ? formatTtft({ medianMs: r.ttft_ms, p25Ms: r.ttft_p25_ms, p75Ms: r.ttft_p75_ms, n: r.repetitions, promptTokens: r.n_prompt })
          : r.steady_ts != null
            ? `${num(r.peak_ts)} peak → ${num(r.steady_ts)} steady (x${num(r.throttle_ratio)}${r.time_to_throttle_s == null ? ", no throttling" : `, throttled at ${num(r.time_to_throttle_s, 0)} s`})${r.start_cpu_c == null ? "" : `, from ${num(r.start_cpu_c, 0)} °C`}`
            : r.n_parallel > 1
            ? `${figure(r)} (${num(r.median_ts_per_sequence)}/seq, first token ${num(r.first_token_ms, 0)} ms)`
            : r.n_prompt > 0 && r.n_gen > 0 && r.first_token_ms != null
              ? `${figure(r)} (first token ${num(r.first_token_ms, 0)} ms after a ${r.n_prompt}-token prompt)`
              : figure(r);
    const model = r.weights === "synthetic" ? `${r.model} (synthetic)` : r.model;
    lines.push(
      `| ${[model, r.quant, formatBytes(r.size_bytes), r.backend, r.threads ?? "-", r.test, ts, formatBytes(r.peak_rss_bytes), formatJPerToken(r.j_per_token, r.energy_scope, r.energy_tier, 3, r.j_per_token_range) + (r.energy_flags?.includes("short_window") ? " (short windows)" : ""), r.decode_roofline_efficiency == null ? "-" : `${(r.decode_roofline_efficiency * 100).toFixed(0)}%`].join(" | ")} |`,
    );
  }
  return lines.join("\n");
}

export function render(s: Submission, format: OutputFormat): string {
  switch (format) {
    case "md":
      return markdown(s);
    case "json":
      return JSON.stringify(resultRows(s), null, 2);
    case "submission":
      return JSON.stringify(s, null, 2);
    case "jsonl":
      return resultRows(s)
        .map((r) => JSON.stringify(r))
        .join("\n");
    case "csv": {
      const rows = resultRows(s);
      return toCsv(rows, Object.keys(rows[0] ?? {}) as (keyof Row & string)[]).trimEnd();
    }
  }
}
