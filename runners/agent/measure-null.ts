/**
 * A measurement without a model for fleet simulations and tests: the real harness (warm-up,
 * repetitions, raw samples) on the NullEngine, in process (no child per workload, so a thousand
 * simulated agents fit in one process). Its submissions say engine "null-engine": never results.
 */
import { randomUUID } from "node:crypto";
import type { JobProgress } from "../../lib/core/contracts/agents";
import { SCHEMA_VERSION, type Device, type Submission } from "../../lib/core/contracts/submission";
import { SUITE_VERSION } from "../../lib/core/contracts/workloads";
import { runWorkload } from "../native/harness";
import { AbortedError, RUNNER_VERSION } from "../native/session";
import { parseWorkloads } from "../cli/bench";
import { NullEngine } from "../native/engine/null-engine";
import type { Measure } from "./agent";

export function nullMeasure(device: Device, msPerPromptToken = 0.01, msPerGenToken = 1): Measure {
  return async (req, { signal, onProgress }) => {
    const startedAt = new Date().toISOString();
    const workloads = parseWorkloads(req.suite, req.workloads?.join(","));
    const engine = new NullEngine(msPerPromptToken, msPerGenToken);
    const results: Submission["workloads"] = [];
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
      results.push({
        workloadId: w.id,
        nPrompt: w.nPrompt,
        nGen: w.nGen,
        nDepth: w.nDepth,
        status: "ok",
        error: null,
        samples,
        memory: { peakRssBytes: null, modelBytes: 0, kvBytes, vramBytes: null },
        power: [],
        prefillEnergyPerToken: null,
        decodeEnergyPerToken: null,
        powerTrace: [],
      });
      onProgress({ ...p, repetitionsDone: req.repetitions, phase: "done" });
    }
    return {
      schemaVersion: SCHEMA_VERSION,
      submissionId: randomUUID(),
      suiteVersion: SUITE_VERSION,
      startedAt,
      finishedAt: new Date().toISOString(),
      runner: { name: "tokenwatt-agent-sim", version: RUNNER_VERSION, commit: null },
      device,
      engine: engine.info,
      model: { name: "null", family: null, parameterCount: null, quantization: "none", fileBytes: 1, sha256: null, weights: "synthetic", source: req.model },
      options: { threads: 1, gpuLayers: 0, batchSize: null, ubatchSize: null, contextSize: 512, repetitions: req.repetitions, flashAttention: null },
      idlePower: [],
      workloads: results,
    };
  };
}
