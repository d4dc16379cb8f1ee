/**
 * A measurement without a model for fleet simulations and tests: the real harness (warm-up,
 * repetitions, raw samples) on the NullEngine, in process (no child per workload, so a thousand
 * simulated agents fit in one process). Its submissions say engine "null-engine": never results.
 */
import { randomUUID } from "node:crypto";
import type { JobProgress } from "../../lib/core/contracts/agents";
import type { Device, WorkloadResult } from "../../lib/core/contracts/submission";
import { resolveWorkloads } from "../../lib/core/contracts/workloads";
import { buildSubmission, workloadResult } from "../../lib/core/measure/build-submission";
import { runWorkload } from "../native/harness";
import { AbortedError } from "../native/session";
import { NullEngine } from "../native/engine/null-engine";
import type { Measure } from "./agent";

/** `device` overrides the registered device the agent hands over (a simulation describes its own). */
export function nullMeasure(device: Device | null = null, msPerPromptToken = 0.01, msPerGenToken = 1): Measure {
  return async (req, { device: registered, signal, onProgress }) => {
    const startedAt = new Date().toISOString();
    const workloads = resolveWorkloads(req.suite, req.workloads);
    const engine = new NullEngine(msPerPromptToken, msPerGenToken);
    const results: WorkloadResult[] = [];
    for (const [i, w] of workloads.entries()) {
      if (signal.aborted) throw new AbortedError();
      const p: JobProgress = { workloadId: w.id, workloadIndex: i, workloads: workloads.length, repetitionsDone: 0, repetitions: req.repetitions, phase: "load" };
      onProgress(p);
      // Like the native runner killing its child: an abort ends the measurement at once.
      const aborted = new Promise<never>((_, reject) => signal.addEventListener("abort", () => reject(new AbortedError()), { once: true }));
      const { samples, kvBytes } = await Promise.race([
        runWorkload(engine, w, req.repetitions, { onRepetition: (done) => !signal.aborted && onProgress({ ...p, repetitionsDone: done, phase: "rep" }) }),
        aborted,
      ]);
      results.push(workloadResult(w, { status: "ok", samples }, { memory: { modelBytes: 0, kvBytes } }));
      onProgress({ ...p, repetitionsDone: req.repetitions, phase: "done" });
    }
    return buildSubmission({
      submissionId: randomUUID(),
      runner: { name: "tokenwatt-agent-sim" },
      startedAt,
      finishedAt: new Date().toISOString(),
      device: device ?? registered,
      engine: engine.info,
      model: { name: "null", family: null, parameterCount: null, quantization: "none", fileBytes: 1, sha256: null, weights: "synthetic", source: req.model },
      options: { threads: 1, gpuLayers: 0, contextSize: 512, repetitions: req.repetitions },
      workloads: results,
    });
  };
}
