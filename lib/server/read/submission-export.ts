/**
 * A stored run as a submission again (the contract, lib/core/contracts/submission.ts): what the run
 * page's "submission" download gives, and what the llama-bench download is printed from. Every
 * field the server keeps is given back as it arrived: the device as submitted (device_snapshot),
 * engine, model, options, samples, memory, energy, power readings and traces, fingerprint, WebGPU
 * placement, import source and each workload's CPU load (`load`; null for runs stored before
 * drizzle/0033), the model's layout as stated and the phase energies' own scope, sensors, tier and
 * range (drizzle/0035; runs stored before it give the workload's, and no layout). Not kept at
 * ingest, so not given back: of an imported summary (llama-bench csv, sql, markdown) whether its
 * repetition count was assumed (given as assumed) and its printed mean rate (given as the rate of
 * its mean time, which the server derives at ingest; the mean time and both deviations are the
 * printed ones).
 */
import type { Submission, WorkloadResult } from "../../core/contracts/submission";
import { submissionSchema } from "../../core/contracts/submission";
import type { Db } from "../db/client";
import type { Audience } from "./audience";
import { getRun } from "./runs";

type Run = NonNullable<Awaited<ReturnType<typeof getRun>>>;
type Reading = Run["readings"][number];

const reading = (r: Reading) => ({
  method: r.method,
  scope: r.scope,
  sensor: r.sensor,
  durationNs: r.durationNs,
  energyJ: r.energyJ,
  avgPowerW: r.avgPowerW,
  idlePowerW: r.idlePowerW,
  tier: r.tier,
  flags: r.flags,
  rangeJ: r.rangeJ,
});

function workload(w: Run["workloads"][number], run: Run): unknown {
  // A phase's scope, sensors, tier and range where they were not the workload's own (drizzle/0035).
  type Meta = { scope: string | null; sensors: string[]; tier: string | null; rangeJ: number[] | null };
  const own = (w.phaseEnergy ?? {}) as { prefill?: Meta; decode?: Meta };
  const energy = (totalJ: number | null, aboveIdleJ: number | null, rangeJ: number[] | null = null, meta?: Meta) =>
    totalJ == null && aboveIdleJ == null && !meta ? null : { totalJ, aboveIdleJ, ...(meta ?? { scope: w.energyScope, sensors: w.energySensors ?? [], tier: w.energyTier, rangeJ }) };
  // An imported summary (llama-bench csv, sql, markdown): one mean repetition, with the deviations it printed.
  const summary = ["csv", "sql", "markdown"].includes((run.sub.source as { format?: string } | null)?.format ?? "");
  const aggregate =
    summary && w.samplesNs.length === 1 && w.avgTokensPerSec != null
      ? { repetitions: (run.sub.options as { repetitions: number }).repetitions, repetitionsAssumed: true, avgTokensPerSec: w.avgTokensPerSec, stddevTokensPerSec: w.stddevTokensPerSec, avgNs: w.avgNs == null ? null : Math.round(w.avgNs), stddevNs: w.stddevNs }
      : null;
  return {
    workloadId: w.workloadId,
    nPrompt: w.nPrompt,
    nGen: w.nGen,
    nDepth: w.nDepth,
    nBatch: w.nBatch,
    status: w.status,
    error: w.error,
    samples: w.samplesNs.map((ns, k) => ({
      durationNs: ns,
      promptTokens: w.samplesPromptTokens[k],
      genTokens: w.samplesGenTokens[k],
      energyJ: w.samplesEnergyJ?.[k] ?? null,
      firstTokenNs: w.samplesFirstTokenNs?.[k] ?? null,
    })),
    memory: { peakRssBytes: w.peakRssBytes, modelBytes: w.modelBytes, kvBytes: w.kvBytes, vramBytes: w.vramBytes, baselineRssBytes: w.baselineRssBytes, kvUsedBytes: w.kvUsedBytes, otherBytes: w.otherBytes },
    power: run.readings.filter((r) => r.kind === "workload" && r.workloadResultId === w.id).map(reading),
    energyPerToken: energy(w.jPerToken, w.jPerTokenAboveIdle, w.jPerTokenRange),
    prefillEnergyPerToken: energy(w.prefillJPerToken, w.prefillJPerTokenAboveIdle, null, own.prefill),
    decodeEnergyPerToken: energy(w.decodeJPerToken, w.decodeJPerTokenAboveIdle, null, own.decode),
    powerTrace: run.traces.filter((t) => t.workloadResultId === w.id).map((t) => ({ sensor: t.sensor, scope: t.scope, tMs: t.tMs, powerW: t.powerW })),
    thermalStart: w.thermalStart,
    sustained: w.sustained,
    // Stored since drizzle/0033; null for runs stored before it.
    load: (w.load as WorkloadResult["load"]) ?? null,
    aggregate,
  } satisfies Record<keyof WorkloadResult, unknown>;
}

/** The run as a submission, for the audience given (null: no such run, or one it may not see). */
export async function storedSubmission(db: Db, id: string, audience: Audience): Promise<Submission | null> {
  const run = await getRun(db, id, audience);
  if (!run) return null;
  const { sub, model, engine } = run;
  const { modelSource, ...device } = sub.deviceSnapshot as Submission["device"] & { modelSource?: string | null };
  const fp = sub.fingerprintTokens && sub.fingerprintVersion && sub.fingerprintPromptTokens != null ? { version: sub.fingerprintVersion, promptTokens: sub.fingerprintPromptTokens, tokenIds: sub.fingerprintTokens, topK: sub.fingerprintTopK } : null;
  // Parsed again: what leaves is a valid submission by the contract (a stored row that is not fails loudly here).
  return submissionSchema.parse({
    schemaVersion: sub.schemaVersion,
    submissionId: sub.id,
    suiteVersion: sub.suiteVersion,
    startedAt: sub.startedAt.toISOString(),
    finishedAt: sub.finishedAt.toISOString(),
    runner: { name: sub.runnerName, version: sub.runnerVersion, commit: sub.runnerCommit },
    device,
    engine: { name: engine.name, version: engine.version, build: engine.build },
    model: {
      name: model.name,
      family: model.family,
      parameterCount: model.parameterCount,
      quantization: model.quantization,
      fileBytes: model.fileBytes,
      sha256: model.sha256,
      weights: model.weights,
      source: modelSource ?? null,
      weightsReadPerTokenBytes: sub.modelWeightsReadPerTokenBytes,
      kvBytesPerToken: sub.modelKvBytesPerToken,
    },
    options: sub.options,
    idlePower: run.readings.filter((r) => r.kind === "idle").map(reading),
    idlePowerAfter: run.readings.filter((r) => r.kind === "idle-after").map(reading),
    workloads: run.workloads.map((w) => workload(w, run)),
    fingerprint: fp,
    webgpu: sub.webgpu,
    source: sub.source,
  });
}
