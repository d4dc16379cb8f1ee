/**
 * One benchmark session on a device the caller describes (LoadGen's StartTest is handed its system
 * under test): measure memory bandwidth and idle power, then each workload in its own child
 * process with power meter windows around its timed repetitions, and assemble the submission with
 * the one builder (lib/core/measure/build-submission.ts). Nothing is uploaded or stored here.
 */
import { fork, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import path from "node:path";
import type { Backend, Device, EngineInfo, ModelInfo, PowerReading, Submission, WorkloadResult } from "../../lib/core/contracts/submission";
import type { WorkloadSpec } from "../../lib/core/contracts/workloads";
import { buildSubmission, workloadResult } from "../../lib/core/measure/build-submission";
import { energyPerToken } from "../../lib/core/measure/energy";
import { childProcessEnv } from "../env";
import { runnerCommit } from "../provenance";
import { measureBandwidthGBps } from "./device/bandwidth";
import { batteryState } from "./power/battery";
import type { LlamaEngineOptions } from "./engine/node-llama-cpp";
import { beginAll, measureIdle, withIdle } from "./power";
import type { MeterResult, PowerMeter } from "./power/meter";
import type { ChildJob, FromChild } from "./protocol";

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
  backend: Backend;
  workloads: readonly WorkloadSpec[];
  repetitions: number;
  meters: PowerMeter[];
  idleSeconds: number;
  /** Skip the bandwidth benchmark (tests); null leaves the roofline unknown. */
  bandwidthGBps?: number | null;
  /** Test hooks passed to the child of one workload. */
  childFaults?: Record<string, ChildJob["failWith"]>;
  nullMsPerToken?: ChildJob["nullMsPerToken"];
  onProgress?(event: { workloadId: string; phase: "load" | "rep" | "done" | "failed"; done?: number; total?: number }): void;
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
  samples: WorkloadResult["samples"];
  memory: WorkloadResult["memory"];
  meterResults: MeterResult[];
  engine: EngineInfo | null;
}

function runChild(job: ChildJob, meters: PowerMeter[], opts: SessionOptions): Promise<ChildOutcome> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = fork(path.join(import.meta.dirname, "child-entry.mjs"), [], {
      stdio: ["ignore", "ignore", "pipe", "ipc"],
      env: childProcessEnv(MEASURING_ENV),
    });
    let stderr = "";
    child.stderr?.on("data", (d) => (stderr = (stderr + d).slice(-2000)));
    let closeWindow: (() => Promise<MeterResult[]>) | null = null;
    let meterResults: MeterResult[] = [];
    let result: Extract<FromChild, { type: "result" }> | null = null;
    let error: string | null = null;
    let engine: EngineInfo | null = null;
    const onAbort = () => child.kill("SIGKILL");
    opts.signal?.addEventListener("abort", onAbort);
    child.on("message", async (m: FromChild) => {
      try {
        if (m.type === "loaded") engine = m.engine;
        else if (m.type === "timed-start") {
          closeWindow = await beginAll(meters);
          child.send({ type: "go" });
        } else if (m.type === "timed-end") {
          if (closeWindow) meterResults = await closeWindow();
          closeWindow = null;
          child.send({ type: "go" });
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
      if (closeWindow) await closeWindow().catch(() => []);
      if (opts.signal?.aborted) return reject(new AbortedError());
      const empty = { peakRssBytes: null, modelBytes: null, kvBytes: null, vramBytes: null };
      if (result) {
        resolve({
          status: "ok",
          error: null,
          samples: result.samples,
          memory: { ...result.memory, peakRssBytes: result.peakRssBytes },
          meterResults,
          engine,
        });
      } else if (error) {
        resolve({ status: "error", error, samples: [], memory: empty, meterResults: [], engine });
      } else {
        const why = signal === "SIGKILL" ? "killed (SIGKILL: out of memory?)" : signal ? `killed by ${signal}` : `exited with code ${code}`;
        const tail = stderr.trim().split("\n").slice(-3).join(" | ");
        resolve({ status: "crash", error: `measuring process ${why}${tail ? `: ${tail}` : ""}`, samples: [], memory: empty, meterResults: [], engine });
      }
    });
    child.send({ type: "run", job });
  });
}

export async function runSession(opts: SessionOptions): Promise<Submission> {
  const startedAt = new Date().toISOString();
  const bandwidth = opts.bandwidthGBps === undefined ? await measureBandwidthGBps() : opts.bandwidthGBps;
  const battery = batteryState();
  const device: Device = {
    ...opts.device,
    backend: opts.backend,
    memoryBandwidthGBps: bandwidth == null ? null : Math.round(bandwidth * 100) / 100,
    battery: battery.present ? battery : null,
  };
  const idle = await measureIdle(opts.meters, opts.idleSeconds);
  const idleWithPower: PowerReading[] = idle.map((r) => ({ ...r, idlePowerW: r.avgPowerW }));
  const workloads: WorkloadResult[] = [];
  let engineInfo: EngineInfo | null = null;
  for (const w of opts.workloads) {
    if (opts.signal?.aborted) throw new AbortedError();
    opts.onProgress?.({ workloadId: w.id, phase: "load" });
    const job: ChildJob = {
      engine: opts.engine,
      llama: { ...opts.llama, modelPath: opts.model.path },
      workload: w,
      repetitions: opts.repetitions,
      failWith: opts.childFaults?.[w.id],
      nullMsPerToken: opts.nullMsPerToken,
    };
    const out = await runChild(job, opts.meters, opts);
    engineInfo ??= out.engine;
    const readings = withIdle(
      out.meterResults.map((r) => r.reading),
      idle,
    );
    const promptTokens = out.samples.reduce((a, s) => a + s.promptTokens, 0);
    const genTokens = out.samples.reduce((a, s) => a + s.genTokens, 0);
    workloads.push(
      workloadResult(w, out.status === "ok" ? { status: "ok", samples: out.samples } : { status: out.status, error: out.error ?? "the workload failed" }, {
        memory: out.memory,
        power: readings,
        energyPerToken: energyPerToken(readings, promptTokens + genTokens),
        powerTrace: out.meterResults.flatMap((r) => (r.trace ? [{ sensor: r.reading.sensor, scope: r.reading.scope, tMs: r.trace.tMs, powerW: r.trace.powerW }] : [])),
      }),
    );
    opts.onProgress?.({ workloadId: w.id, phase: out.status === "ok" ? "done" : "failed" });
  }
  return buildSubmission({
    submissionId: randomUUID(),
    runner: { name: "tokenwatt-native", commit: runnerCommit() },
    startedAt,
    finishedAt: new Date().toISOString(),
    device,
    engine: engineInfo ?? { name: "node-llama-cpp", version: "unknown", build: null },
    model: opts.model.info,
    options: {
      threads: opts.llama.threads,
      gpuLayers: opts.llama.gpuLayers ?? (opts.backend === "cpu" ? 0 : null),
      batchSize: opts.llama.batchSize ?? null,
      contextSize: opts.llama.contextSize,
      repetitions: opts.repetitions,
      // "auto" is recorded as null: llama.cpp decides per device.
      flashAttention: typeof opts.llama.flashAttention === "boolean" ? opts.llama.flashAttention : null,
    },
    idlePower: idleWithPower,
    workloads,
  });
}
