/**
 * The one builder of a Submission and its WorkloadResults, used by every producer: the native
 * runner, the browser runner, the agent's null engine and the llama-bench import. The defaults a
 * producer leaves out (no memory figures, no power, no energy per token, no trace) are stated here
 * once; the result is checked against the contract by whoever sends or stores it.
 */
import { version as PACKAGE_VERSION } from "../../../package.json";
import {
  SCHEMA_VERSION,
  type Device,
  type EngineInfo,
  type Fingerprint,
  type WebGpuInfo,
  type ModelInfo,
  type PowerReading,
  type Sample,
  type Submission,
  type WorkloadResult,
} from "../contracts/submission";
import { MAX_TRACE_POINTS } from "../contracts/submission";
import { SUITE_VERSION, type WorkloadSpec } from "../contracts/workloads";

/** Tokenwatt's own version (package.json), recorded as `runner.version` by every producer. */
export const TOKENWATT_VERSION: string = PACKAGE_VERSION;

export const RUNNER_NAMES = ["tokenwatt-native", "tokenwatt-browser", "tokenwatt-agent-sim", "llama-bench-import"] as const;
export type RunnerName = (typeof RUNNER_NAMES)[number];

export const NO_MEMORY: WorkloadResult["memory"] = { peakRssBytes: null, modelBytes: null, kvBytes: null, vramBytes: null, baselineRssBytes: null, kvUsedBytes: null, otherBytes: null };

/**
 * The parts of a CPU run's peak memory: the KV cache the workload fills (from the model's KV bytes
 * per token) and what the peak holds beyond the runtime's baseline, the weights and the allocated KV
 * cache (compute buffers, allocator slack). Null where a part is unknown or the figure would be
 * negative (weights outside RSS: mapped files, GPU memory).
 */
export function memoryParts(
  m: Pick<WorkloadResult["memory"], "peakRssBytes" | "baselineRssBytes" | "modelBytes" | "kvBytes">,
  kvBytesPerToken: number | null,
  tokens: { nDepth: number; nPrompt: number; nGen: number },
  onCpu: boolean,
): { kvUsedBytes: number | null; otherBytes: number | null } {
  const kvUsedBytes = kvBytesPerToken == null ? null : Math.round(kvBytesPerToken * (tokens.nDepth + tokens.nPrompt + tokens.nGen));
  const other = onCpu && m.peakRssBytes != null && m.baselineRssBytes != null && m.modelBytes != null && m.kvBytes != null ? m.peakRssBytes - m.baselineRssBytes - m.modelBytes - m.kvBytes : null;
  return { kvUsedBytes, otherBytes: other != null && other >= 0 ? other : null };
}

/** A timed repetition as a producer measured it; its energy only where a meter was read. */
export type MeasuredSample = Omit<Sample, "energyJ" | "firstTokenNs"> & { energyJ?: number | null; firstTokenNs?: number | null };

/** How one workload ended. `error`/`crash` carry the reason and no samples. */
export type WorkloadOutcome =
  | { status: "ok"; samples: MeasuredSample[] }
  | { status: "error" | "crash"; error: string; samples?: MeasuredSample[] };

/** What a producer measured beyond the samples; anything left out is "not measured" (null or empty). */
export interface WorkloadMeasured {
  memory?: Partial<WorkloadResult["memory"]>;
  power?: PowerReading[];
  /** J/token over the whole workload; also attributed to prefill or decode by the workload's phase. */
  energyPerToken?: WorkloadResult["energyPerToken"];
  powerTrace?: WorkloadResult["powerTrace"];
  thermalStart?: WorkloadResult["thermalStart"];
  sustained?: WorkloadResult["sustained"];
  load?: WorkloadResult["load"];
  /** Imported averages (llama-bench csv, sql, markdown): the one sample is their mean repetition. */
  aggregate?: WorkloadResult["aggregate"];
}

export function workloadResult(spec: WorkloadSpec, outcome: WorkloadOutcome, measured: WorkloadMeasured = {}): WorkloadResult {
  const samples: Sample[] = outcome.status === "ok" ? outcome.samples.map((s) => ({ ...s, energyJ: s.energyJ ?? null, firstTokenNs: s.firstTokenNs ?? null })) : [];
  const e = measured.energyPerToken ?? null;
  return {
    workloadId: spec.id,
    // ttft's prompt length depends on the tokenizer: the engine's count is stored, not the nominal one.
    nPrompt: spec.phase === "ttft" ? (samples[0]?.promptTokens ?? spec.nPrompt) : spec.nPrompt,
    nGen: spec.nGen,
    nDepth: spec.nDepth,
    nBatch: spec.nBatch,
    status: outcome.status,
    error: outcome.status === "ok" ? null : outcome.error,
    samples,
    memory: { ...NO_MEMORY, ...measured.memory },
    power: measured.power ?? [],
    energyPerToken: e,
    prefillEnergyPerToken: spec.phase === "prefill" ? e : null,
    decodeEnergyPerToken: spec.phase === "decode" ? e : null,
    powerTrace: (measured.powerTrace ?? []).map((t) => ({ ...t, tMs: t.tMs.slice(0, MAX_TRACE_POINTS), powerW: t.powerW.slice(0, MAX_TRACE_POINTS) })),
    thermalStart: measured.thermalStart ?? null,
    sustained: spec.kind === "sustained" ? (measured.sustained ?? null) : null,
    load: measured.load ?? null,
    aggregate: measured.aggregate ?? null,
  };
}

export interface SubmissionParts {
  submissionId: string;
  runner: { name: RunnerName; commit?: string | null };
  startedAt: string;
  finishedAt: string;
  device: DeviceInput;
  engine: EngineInfo;
  model: ModelInput;
  /** Run options; what is left out was not set (llama.cpp's default applies). */
  options: Partial<Submission["options"]> & { repetitions: number };
  idlePower?: PowerReading[];
  idlePowerAfter?: PowerReading[];
  workloads: WorkloadResult[];
  /** The correctness fingerprint, where the engine can report token ids. */
  fingerprint?: Fingerprint | null;
  /** A browser run's WebGPU adapter and the model's placement. */
  webgpu?: WebGpuInfo | null;
  /** Imported results: the tool, format and where they were published. */
  source?: Submission["source"];
}

/** A device as producers describe it: fields added to the contract later may be left out (null). */
export type DeviceInput = Omit<Device, "memoryBandwidthMethod" | "deviceMemoryBandwidth" | "cpu" | "name" | "memoryModules"> &
  Partial<Pick<Device, "memoryBandwidthMethod" | "deviceMemoryBandwidth" | "name" | "memoryModules">> & { cpu: Omit<Device["cpu"], "llcBytes"> & Partial<Pick<Device["cpu"], "llcBytes">> };
/** A model as producers describe it: the read-per-token figures may be left out (unknown). */
export type ModelInput = Omit<ModelInfo, "weightsReadPerTokenBytes" | "kvBytesPerToken"> & Partial<Pick<ModelInfo, "weightsReadPerTokenBytes" | "kvBytesPerToken">>;

export function completeDevice(d: DeviceInput): Device {
  return { memoryBandwidthMethod: null, deviceMemoryBandwidth: null, name: null, memoryModules: null, ...d, cpu: { llcBytes: null, ...d.cpu } };
}

export function completeModel(m: ModelInput): ModelInfo {
  return { weightsReadPerTokenBytes: null, kvBytesPerToken: null, ...m };
}

export function buildSubmission(p: SubmissionParts): Submission {
  return {
    schemaVersion: SCHEMA_VERSION,
    submissionId: p.submissionId,
    suiteVersion: SUITE_VERSION,
    startedAt: p.startedAt,
    finishedAt: p.finishedAt,
    runner: { name: p.runner.name, version: TOKENWATT_VERSION, commit: p.runner.commit ?? null },
    device: completeDevice(p.device),
    engine: p.engine,
    model: completeModel(p.model),
    options: { threads: null, gpuLayers: null, batchSize: null, ubatchSize: null, contextSize: null, flashAttention: null, typeK: null, typeV: null, useMmap: null, ...p.options },
    idlePower: p.idlePower ?? [],
    idlePowerAfter: p.idlePowerAfter ?? [],
    workloads: p.workloads,
    fingerprint: p.fingerprint ?? null,
    webgpu: p.webgpu ?? null,
    source: p.source ?? null,
  };
}
