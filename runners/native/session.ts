/**
 * One benchmark session on a device the caller describes (LoadGen's StartTest is handed its system
 * under test): measure memory bandwidth and idle power, then each workload in its own child
 * process with power meter windows around its timed repetitions, and assemble the submission with
 * the one builder (lib/core/measure/build-submission.ts). Nothing is uploaded or stored here.
 */
import { fork, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import os from "node:os";
import path from "node:path";
import type { Backend, Device, EngineInfo, Fingerprint, ModelInfo, Submission, WorkloadResult } from "../../lib/core/contracts/submission";
import { unbatchedId, type WorkloadSpec } from "../../lib/core/contracts/workloads";
import { buildSubmission, memoryParts, NO_MEMORY, workloadResult, type MeasuredSample } from "../../lib/core/measure/build-submission";
import { FINGERPRINT } from "../../lib/core/measure/fingerprint";
import { energyPerToken, repetitionEnergies, workloadReadings, type IdleBaseline, type RepInterval } from "../../lib/core/measure/energy";
import { childProcessEnv, runnerEnv } from "../env";
import { reportedGpuBandwidth } from "../../lib/core/measure/gpu-bandwidth";
import { runnerCommit } from "../provenance";
import { BANDWIDTH_METHOD, measureBandwidthGBps } from "./device/bandwidth";
import { batteryState } from "./power/battery";
import type { LlamaEngineOptions } from "./engine/node-llama-cpp";
import { idleDrift, measureIdle, metersFor, recordAll, withIdle } from "./power";
import type { PowerMeter, SensorRecording } from "./power/meter";
import type { EngineUsed, FingerprintDecode } from "./engine/types";
import type { ChildJob, FromChild, ToChild } from "./protocol";
import { loadBetween, markLoad, type LoadMark } from "./load";
import { recordThermal, thermalPerInterval, thermalStart, type ThermalProbe, type ThermalReading, type ThermalRecording } from "./thermal";

/**
 * Environment of the measuring process. node-llama-cpp runs each decode on a libuv pool thread;
 * with the default pool of 4, consecutive tokens land on different threads, and (with OpenMP)
 * each becomes the master of its own thread team whose idle workers spin on the same cores. One
 * pool thread keeps one team: tg128 of Llama-3.2-1B Q4_0 on 2 cores went from ~30-36 to ~40-42
 * tokens/s (llama-bench: 44-48), see `npm run bench:runner`. The child does nothing else on the pool.
 */
export const MEASURING_ENV = { UV_THREADPOOL_SIZE: "1" } as const;

export interface SessionOptions {
  /**
   * The device under test, as the caller probed it (`tokenwatt bench`) or registered it (an agent):
   * its hardware fields are recorded as given. The session sets the backend, the bandwidth it
   * measured and the battery state at the time of the run.
   */
  device: Device;
  model: { path: string; info: ModelInfo };
  engine: "node-llama-cpp" | "null";
  llama: Omit<LlamaEngineOptions, "modelPath">;
  /** The backend asked for; "auto" lets the engine pick, and the submission records what it picked. */
  backend: Backend | "auto";
  workloads: readonly WorkloadSpec[];
  repetitions: number;
  meters: PowerMeter[];
  idleSeconds: number;
  /** Quiet time before each idle baseline, ms (tests: 0); default IDLE_SETTLE_MS. */
  idleSettleMs?: number;
  /** Skip the bandwidth benchmark (tests); null leaves the roofline unknown. */
  bandwidthGBps?: number | null;
  /** The GPU memory's bandwidth the user gives (GB/s and source); else the vendor's figure where listed. */
  gpuBandwidth?: { gbps: number; note: string } | null;
  /** Test hooks passed to the child of one workload. */
  childFaults?: Record<string, ChildJob["failWith"]>;
  nullMsPerToken?: ChildJob["nullMsPerToken"];
  fakeGpu?: ChildJob["fakeGpu"];
  nullThrottle?: ChildJob["nullThrottle"];
  /** Temperatures and battery level (runners/native/thermal.ts); none: not recorded. */
  thermal?: ThermalProbe;
  /** Free memory now (tests give a figure); default os.freemem(). */
  freeMemoryBytes?: () => number;
  onProgress?(event: { workloadId: string; phase: "load" | "rep" | "done" | "failed"; done?: number; total?: number }): void;
  /** Things the user should read (an idle baseline that drifted). */
  onNote?(message: string): void;
  signal?: AbortSignal;
}

export class AbortedError extends Error {
  constructor() {
    super("benchmark interrupted; nothing was stored or uploaded");
    this.name = "AbortedError";
  }
}

interface ChildOutcome {
  status: WorkloadResult["status"];
  error: string | null;
  samples: MeasuredSample[];
  /** Each timed repetition's [t0, t1] on the monotonic clock. */
  intervals: RepInterval[];
  memory: Partial<WorkloadResult["memory"]>;
  recordings: SensorRecording[];
  engine: EngineInfo | null;
  used: EngineUsed | null;
  fingerprint?: FingerprintDecode | null;
  /** The thermal reading when the timed part started, and (sustained) the readings through it. */
  thermalFirst?: ThermalReading | null;
  thermalRec?: ThermalRecording | null;
  /** Others' CPU time while the timed repetitions ran. */
  load?: WorkloadResult["load"];
}

/** Temperatures are read once a second through a sustained run (they change over seconds). */
const THERMAL_PERIOD_MS = 1000;

function runChild(job: ChildJob, meters: PowerMeter[], opts: SessionOptions): Promise<ChildOutcome> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = fork(path.join(import.meta.dirname, "child-entry.mjs"), [], {
      stdio: ["ignore", "ignore", "pipe", "ipc"],
      env: childProcessEnv(MEASURING_ENV),
    });
    let stderr = "";
    child.stderr?.on("data", (d) => (stderr = (stderr + d).slice(-2000)));
    let stopRecording: (() => Promise<SensorRecording[]>) | null = null;
    let recordings: SensorRecording[] = [];
    let stopThermal: (() => Promise<ThermalRecording>) | null = null;
    let thermalFirst: ThermalReading | null = null;
    let thermalRec: ThermalRecording | null = null;
    let loadStart: LoadMark | null = null;
    let load: WorkloadResult["load"] = null;
    let result: Extract<FromChild, { type: "result" }> | null = null;
    let error: string | null = null;
    let engine: EngineInfo | null = null;
    let used: EngineUsed | null = null;
    const onAbort = () => child.kill("SIGKILL");
    opts.signal?.addEventListener("abort", onAbort);
    child.on("message", async (m: FromChild) => {
      try {
        if (m.type === "loaded") {
          engine = m.engine;
          used = m.used;
        }
        else if (m.type === "timed-start") {
          // The thermal state it starts in (read before the meters start, outside the timed part);
          // a sustained run keeps reading it through.
          if (opts.thermal) {
            if (job.workload.kind === "sustained") {
              const t = await recordThermal(opts.thermal, THERMAL_PERIOD_MS);
              thermalFirst = t.first;
              stopThermal = t.stop;
            } else thermalFirst = await opts.thermal.read();
          }
          // The meters record from before the first repetition to after the last; each
          // repetition's energy is cut out at its own timestamps afterwards.
          stopRecording = await recordAll(meters);
          loadStart = markLoad();
          child.send({ type: "go" } satisfies ToChild);
        } else if (m.type === "timed-end") {
          if (loadStart) load = loadBetween(loadStart, markLoad());
          if (stopRecording) recordings = await stopRecording();
          stopRecording = null;
          if (stopThermal) thermalRec = await stopThermal();
          stopThermal = null;
          child.send({ type: "go" } satisfies ToChild);
        } else if (m.type === "rep") opts.onProgress?.({ workloadId: job.workload.id, phase: "rep", done: m.done, total: m.total });
        else if (m.type === "result") result = m;
        else if (m.type === "error") error = m.message;
      } catch (e) {
        error = `runner error: ${(e as Error).message}`;
      }
    });
    child.on("error", reject);
    child.on("exit", async (code, signal) => {
      opts.signal?.removeEventListener("abort", onAbort);
      if (stopRecording) await stopRecording().catch(() => []);
      if (stopThermal) await stopThermal().catch(() => null);
      if (opts.signal?.aborted) return reject(new AbortedError());
      const empty = { peakRssBytes: null, modelBytes: null, kvBytes: null, vramBytes: null };
      if (result) {
        resolve({
          status: "ok",
          error: null,
          samples: result.samples,
          intervals: result.intervals,
          memory: { ...result.memory, peakRssBytes: result.peakRssBytes, baselineRssBytes: result.baselineRssBytes },
          recordings,
          engine,
          used,
          fingerprint: result.fingerprint ?? null,
          thermalFirst,
          thermalRec,
          load,
        });
      } else if (error) {
        resolve({ status: "error", error, samples: [], intervals: [], memory: empty, recordings: [], engine, used });
      } else {
        const why = signal === "SIGKILL" ? "killed (SIGKILL: out of memory?)" : signal ? `killed by ${signal}` : `exited with code ${code}`;
        const tail = stderr.trim().split("\n").slice(-3).join(" | ");
        resolve({ status: "crash", error: `measuring process ${why}${tail ? `: ${tail}` : ""}`, samples: [], intervals: [], memory: empty, recordings: [], engine, used });
      }
    });
    child.send({ type: "run", job } satisfies ToChild);
  });
}

/**
 * On the CPU backend, a batch whose KV cache cannot fit in free memory is refused before its
 * process starts (llama.cpp would allocate it and the system would kill the process, or swap).
 * GPU backends refuse it themselves when the context is created (out of VRAM).
 */
function kvTooBig(w: WorkloadSpec, opts: SessionOptions): string | null {
  if (w.nBatch <= 1 || opts.backend !== "cpu") return null;
  const perToken = opts.model.info.kvBytesPerToken;
  if (!perToken) return null;
  const need = perToken * opts.llama.contextSize * w.nBatch;
  const free = (opts.freeMemoryBytes ?? os.freemem)();
  if (need <= free * 0.8) return null;
  return `out of memory: the KV cache of ${w.nBatch} sequences x ${opts.llama.contextSize} tokens needs ${(need / 2 ** 30).toFixed(2)} GiB; ${(free / 2 ** 30).toFixed(2)} GiB is free`;
}

export async function runSession(opts: SessionOptions): Promise<Submission> {
  const startedAt = new Date().toISOString();
  const bandwidth = opts.bandwidthGBps === undefined ? await measureBandwidthGBps() : opts.bandwidthGBps;
  const battery = batteryState();
  const device: Device = {
    ...opts.device,
    // "auto": the engine's report below says which backend it found.
    backend: opts.backend === "auto" ? "cpu" : opts.backend,
    memoryBandwidthGBps: bandwidth == null ? null : Math.round(bandwidth * 100) / 100,
    memoryBandwidthMethod: bandwidth == null ? null : BANDWIDTH_METHOD,
    // The memory that holds the weights on a GPU backend: the user's figure, else the vendor's.
    deviceMemoryBandwidth:
      opts.backend === "cpu" ? null : opts.gpuBandwidth ? { gbps: opts.gpuBandwidth.gbps, source: "reported", note: opts.gpuBandwidth.note } : reportedGpuBandwidth(opts.device.gpus),
    battery: battery.present ? battery : null,
  };
  const env = runnerEnv();
  // "auto" may land on a GPU: its meters are read as for a GPU backend.
  const { meters, notes: meterNotes } = metersFor(opts.meters, opts.backend === "auto" ? "cuda" : opts.backend, { visibleDevices: env.CUDA_VISIBLE_DEVICES, deviceOrder: env.CUDA_DEVICE_ORDER });
  for (const n of meterNotes) opts.onNote?.(n);
  const idle = await measureIdle(meters, opts.idleSeconds, opts.idleSettleMs);
  // Each workload's result is made once the baseline after the workloads is in: its above-idle
  // energy interpolates between the two baselines over its own repetitions.
  const workloads: ((after: IdleBaseline | null) => WorkloadResult)[] = [];
  let engineInfo: EngineInfo | null = null;
  let used: EngineUsed | null = null;
  // A batch sweep stops at the first batch that fails (out of memory, as a rule): larger ones would too.
  const stoppedAt = new Map<string, { id: string; why: string }>();
  // The correctness fingerprint, decoded by the first single-stream workload's process that succeeds.
  let fingerprint: Fingerprint | null = null;
  for (const w of opts.workloads) {
    if (opts.signal?.aborted) throw new AbortedError();
    const stop = w.nBatch > 1 ? stoppedAt.get(unbatchedId(w.id)) : undefined;
    if (stop) {
      const why = `not run: the batch sweep stopped at ${stop.id} (${stop.why})`;
      workloads.push(() => workloadResult(w, { status: "error", error: why }));
      opts.onProgress?.({ workloadId: w.id, phase: "failed" });
      continue;
    }
    opts.onProgress?.({ workloadId: w.id, phase: "load" });
    const tooBig = kvTooBig(w, opts);
    const out: ChildOutcome = tooBig
      ? { status: "error", error: tooBig, samples: [], intervals: [], memory: {}, recordings: [], engine: null, used: null }
      : await runChild(
          {
            engine: opts.engine,
            llama: { ...opts.llama, modelPath: opts.model.path, sequences: w.nBatch },
            workload: w,
            repetitions: opts.repetitions,
            failWith: opts.childFaults?.[w.id],
            nullMsPerToken: opts.nullMsPerToken,
            fakeGpu: opts.fakeGpu,
            nullThrottle: opts.nullThrottle,
            fingerprint: !fingerprint && w.nBatch === 1 ? { prompt: FINGERPRINT.prompt, tokens: FINGERPRINT.tokens } : undefined,
          },
          meters,
          opts,
        );
    if (out.status !== "ok" && w.nBatch > 1) {
      const why = (out.error ?? "failed").split("\n")[0]!.slice(0, 200);
      for (const other of opts.workloads) if (other.nBatch > w.nBatch && unbatchedId(other.id) === unbatchedId(w.id)) stoppedAt.set(unbatchedId(w.id), { id: w.id, why });
    }
    if (!fingerprint && out.fingerprint?.tokenIds.length) {
      const { promptTokens, tokenIds, topK } = out.fingerprint;
      fingerprint = { version: FINGERPRINT.version, promptTokens, tokenIds, topK: topK ?? null };
    }
    engineInfo ??= out.engine;
    used ??= out.used;
    const onCpu = (out.used?.backend ?? opts.backend) === "cpu";
    workloads.push((after) => measuredWorkload(w, out, { before: idle, after }, opts.model.info.kvBytesPerToken, onCpu, opts.thermal?.sources ?? []));
    opts.onProgress?.({ workloadId: w.id, phase: out.status === "ok" ? "done" : "failed" });
  }
  // A GPU backend that offloaded nothing (no usable GPU memory: a software Vulkan device such as
  // llvmpipe, or a GPU llama.cpp cannot use) measured the CPU: say so rather than let it pass as a GPU run.
  const usedNow = used as EngineUsed | null;
  if (usedNow && usedNow.backend !== "cpu" && usedNow.gpuLayers === 0) {
    opts.onNote?.(`the ${usedNow.backend} backend loaded but offloaded no layers (no usable GPU memory on this device): these figures are the CPU's; the submission records gpuLayers 0`);
  }
  const idleAfter = await measureIdle(meters, opts.idleSeconds, opts.idleSettleMs);
  for (const d of idleDrift(idle.readings, idleAfter.readings)) {
    opts.onNote?.(`idle ${d.sensor}: ${d.beforeW.toFixed(2)} W before, ${d.afterW.toFixed(2)} W after the run (drift ${(d.afterW - d.beforeW).toFixed(2)} W; above-idle interpolates between them)`);
  }
  return buildSubmission({
    submissionId: randomUUID(),
    runner: { name: "tokenwatt-native", commit: runnerCommit() },
    startedAt,
    finishedAt: new Date().toISOString(),
    // What the engine ran with, as it reported it: `--backend auto` that found a GPU is that GPU's
    // backend, and the threads are those the context uses (llama.cpp's math cores by default).
    device: used ? { ...device, backend: used.backend, deviceMemoryBandwidth: used.backend === "cpu" ? null : device.deviceMemoryBandwidth } : device,
    engine: engineInfo ?? { name: "node-llama-cpp", version: "unknown", build: null },
    model: opts.model.info,
    options: used
      ? {
          threads: used.threads,
          gpuLayers: used.gpuLayers,
          batchSize: used.batchSize,
          contextSize: opts.llama.contextSize,
          repetitions: opts.repetitions,
          flashAttention: used.flashAttention,
          useMmap: used.useMmap,
        }
      : {
          threads: opts.llama.threads ?? null,
          gpuLayers: opts.llama.gpuLayers ?? (opts.backend === "cpu" ? 0 : null),
          batchSize: opts.llama.batchSize ?? null,
          contextSize: opts.llama.contextSize,
          repetitions: opts.repetitions,
          flashAttention: opts.llama.flashAttention ?? null,
        },
    idlePower: idle.readings.map((r) => ({ ...r, idlePowerW: r.avgPowerW })),
    idlePowerAfter: idleAfter.readings.map((r) => ({ ...r, idlePowerW: r.avgPowerW })),
    workloads: workloads.map((finish) => finish(idleAfter)),
    fingerprint,
  });
}

/**
 * A workload's result with its energy: each sensor's energy over the timed repetitions only, each
 * repetition's energy in the device scope on its sample, J/token in that scope, above idle with the
 * idle power interpolated between the two baselines over the repetitions.
 */
function measuredWorkload(w: WorkloadSpec, out: ChildOutcome, idle: { before: IdleBaseline; after: IdleBaseline | null }, kvBytesPerToken: number | null, onCpu: boolean, thermalSources: string[]): WorkloadResult {
  if (out.status !== "ok") return workloadResult(w, { status: out.status, error: out.error ?? "the workload failed" }, { memory: out.memory });
  const nPrompt = w.phase === "ttft" ? (out.samples[0]?.promptTokens ?? w.nPrompt) : w.nPrompt;
  const memory = { ...NO_MEMORY, ...out.memory };
  Object.assign(memory, memoryParts(memory, kvBytesPerToken, { nDepth: w.nDepth, nPrompt, nGen: w.nGen }, onCpu));
  const perSensor = workloadReadings(out.recordings, out.intervals);
  const readings = withIdle(
    perSensor.map((p) => p.reading),
    idle.before,
    idle.after,
    out.intervals,
  );
  const repEnergy = repetitionEnergies(readings, new Map(perSensor.map((p) => [p.reading.sensor, p.repEnergyJ])), out.samples.length);
  const samples = out.samples.map((smp, i) => ({ ...smp, energyJ: repEnergy[i] ?? null }));
  const tokens = out.samples.reduce((a, x) => a + x.promptTokens + x.genTokens, 0);
  const t0 = out.intervals[0]?.t0Ns ?? 0;
  return workloadResult(w, { status: "ok", samples }, {
    memory,
    power: readings,
    energyPerToken: energyPerToken(readings, tokens),
    powerTrace: out.recordings.map((r) => traceOf(r, t0)),
    thermalStart: out.thermalFirst ? thermalStart(out.thermalFirst, thermalSources) : null,
    sustained:
      w.kind === "sustained" && w.intervalS
        ? { intervalS: w.intervalS, ...(out.thermalRec ? thermalPerInterval(out.thermalRec, out.intervals) : { cpuC: [], gpuC: [], batteryPct: [] }) }
        : null,
    load: out.load ?? null,
  });
}

/** A recording as a power trace from the first repetition's start (ms, W); counters become the power between reads. */
function traceOf(r: SensorRecording, t0Ns: number): WorkloadResult["powerTrace"][number] {
  const tMs: number[] = [];
  const powerW: number[] = [];
  for (let i = 0; i < r.tNs.length; i++) {
    const t = (r.tNs[i]! - t0Ns) / 1e6;
    if (t < 0) continue;
    if (r.kind === "power") {
      tMs.push(t);
      powerW.push(r.values[i]!);
    } else if (i > 0 && r.tNs[i]! > r.tNs[i - 1]!) {
      tMs.push(t);
      powerW.push(Math.max(0, (r.values[i]! - r.values[i - 1]!) / ((r.tNs[i]! - r.tNs[i - 1]!) / 1e9)));
    }
  }
  return { sensor: r.sensor, scope: r.scope, tMs, powerW };
}
