/**
 * The agent's measurement of a job with the native runner: the same session as `tokenwatt bench`
 * (one child process per workload; meters, temperatures and bandwidth from runners/native/plan.ts),
 * reporting progress as the agent protocol describes it.
 */
import fs from "node:fs";
import path from "node:path";
import { parseJobModel, type JobProgress } from "../../lib/core/contracts/agents";
import { runSession } from "../native/session";
import { contextSizeFor, resolveWorkloads, timedSamples } from "../../lib/core/contracts/workloads";
import { prepareNativeSession } from "../native/plan";
import { resolveModel } from "../models/resolve";
import type { Measure } from "./agent";

export interface NativeMeasureOptions {
  dataDir: string;
  power: boolean;
  bandwidth: boolean;
  log(message: string): void;
}

export function nativeMeasure(o: NativeMeasureOptions): Measure {
  return async (req, { device, signal, onProgress }) => {
    const workloads = resolveWorkloads(req.suite, req.workloads);
    // Only what parseJobModel admits: a synthetic shape, a file of this agent's models directory,
    // or a Hugging Face file whose sha256 is checked before the engine loads it.
    const ref = parseJobModel(req.model);
    if ("error" in ref) throw new Error(`refused model "${req.model.slice(0, 100)}": ${ref.error}`);
    const model = await resolveModel(ref.kind === "file" ? path.join(o.dataDir, "models", ref.name) : ref.ref, o.dataDir);
    if (ref.kind === "hf" && model.info.sha256 !== ref.sha256) {
      fs.rmSync(model.path, { force: true });
      throw new Error(`${ref.ref} has sha256 ${model.info.sha256}, not the job's ${ref.sha256}: deleted without loading it`);
    }
    // Temperatures are read where power is (the agent has no separate switch).
    const plan = await prepareNativeSession({ power: o.power, thermal: o.power, bandwidth: o.bandwidth, idleSeconds: 3, log: o.log });
    const ids = workloads.map((w) => w.id);
    let p: JobProgress = { workloadId: ids[0]!, workloadIndex: 0, workloads: ids.length, repetitionsDone: 0, repetitions: req.repetitions, phase: "load" };
    return runSession({
      ...plan,
      device,
      model,
      // threads: the job's, else llama.cpp's math cores (the submission records what was used)
      llama: { backend: "cpu", threads: req.threads ?? undefined, contextSize: contextSizeFor(workloads).default },
      backend: "cpu",
      workloads,
      repetitions: req.repetitions,
      signal,
      onNote: (m) => o.log(`note: ${m}`),
      onProgress: (e) => {
        const workloadIndex = Math.max(0, ids.indexOf(e.workloadId));
        // A sustained workload's "repetitions" are its intervals.
        p = { ...p, workloadId: e.workloadId, workloadIndex, repetitions: timedSamples(workloads[workloadIndex]!, req.repetitions), phase: e.phase, repetitionsDone: e.phase === "load" ? 0 : e.phase === "rep" ? (e.done ?? 0) : p.repetitionsDone };
        onProgress(p);
      },
    });
  };
}
