/**
 * Ingest: one validated submission → rows, in one transaction, idempotent on the submission id.
 * A repeat of the same id (a runner retrying) is answered as a duplicate and writes nothing new;
 * concurrent repeats wait on the primary key and then see the first one.
 */
import { createHash } from "node:crypto";
import { eq } from "drizzle-orm";
import type { Submission, WorkloadResult } from "../contracts/submission";
import { checkSubmission, type Flag } from "../domain/plausibility";
import { deriveStats } from "../domain/stats";
import type { Db } from "./client";
import { devices, engines, models, powerReadings, powerTraces, submissions, workloadResults } from "./schema";

export interface IngestResult {
  status: "created" | "duplicate";
  submissionId: string;
  plausible: boolean;
  flags: Flag[];
}

type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];

export function deviceFingerprint(d: Submission["device"]): string {
  const identity = [
    d.vendor,
    d.model,
    d.os.platform,
    d.os.release,
    d.cpu.model,
    d.cpu.cores,
    d.cpu.threads,
    d.ramBytes,
    ...d.gpus.map((g) => `${g.vendor}/${g.model}/${g.vramBytes ?? ""}`),
  ].join("|");
  return createHash("sha256").update(identity).digest("hex");
}

export function modelKey(m: Submission["model"]): string {
  return [m.name, m.quantization, m.fileBytes, m.sha256 ?? "", m.weights].join("|");
}

export function engineKey(e: Submission["engine"]): string {
  return [e.name, e.version, e.build ?? ""].join("|");
}

/**
 * Dimension ids already committed, per process: skips three round trips per submission once a
 * device/model/engine is known. Filled only after commit so a rolled-back row is never cached.
 */
const dimensionCaches = new WeakMap<Db, Map<string, number>>();
function cacheOf(db: Db): Map<string, number> {
  let c = dimensionCaches.get(db);
  if (!c) dimensionCaches.set(db, (c = new Map()));
  return c;
}

async function upsertDimension(
  tx: Tx,
  dimensionCache: Map<string, number>,
  cacheKey: string,
  insert: () => Promise<{ id: number }[]>,
  select: () => Promise<{ id: number }[]>,
  fresh: Map<string, number>,
): Promise<number> {
  const cached = dimensionCache.get(cacheKey);
  if (cached !== undefined) return cached;
  // DO NOTHING (not DO UPDATE) so that concurrent submissions of one device do not queue on a row lock.
  const inserted = await insert();
  const id = inserted[0]?.id ?? (await select())[0]?.id;
  if (id === undefined) throw new Error(`could not resolve ${cacheKey}`);
  fresh.set(cacheKey, id);
  return id;
}

export async function ingestSubmission(db: Db, s: Submission, tokenId: number | null): Promise<IngestResult> {
  const flags = checkSubmission(s);
  const flaggedWorkloads = new Set(flags.map((f) => f.workloadId));
  const fresh = new Map<string, number>();
  const cache = cacheOf(db);
  const fp = deviceFingerprint(s.device);
  const mk = modelKey(s.model);
  const ek = engineKey(s.engine);

  const status = await db.transaction(async (tx) => {
    const deviceId = await upsertDimension(
      tx,
      cache,
      `d:${fp}`,
      () =>
        tx
          .insert(devices)
          .values({
            fingerprint: fp,
            vendor: s.device.vendor,
            model: s.device.model,
            deviceClass: s.device.deviceClass,
            osPlatform: s.device.os.platform,
            osRelease: s.device.os.release,
            osDistro: s.device.os.distro,
            cpuVendor: s.device.cpu.vendor,
            cpuModel: s.device.cpu.model,
            cpuCores: s.device.cpu.cores,
            cpuThreads: s.device.cpu.threads,
            ramBytes: s.device.ramBytes,
            gpus: s.device.gpus,
          })
          .onConflictDoNothing({ target: devices.fingerprint })
          .returning({ id: devices.id }),
      () => tx.select({ id: devices.id }).from(devices).where(eq(devices.fingerprint, fp)),
      fresh,
    );
    const modelId = await upsertDimension(
      tx,
      cache,
      `m:${mk}`,
      () =>
        tx
          .insert(models)
          .values({ key: mk, ...s.model, source: undefined } as typeof models.$inferInsert)
          .onConflictDoNothing({ target: models.key })
          .returning({ id: models.id }),
      () => tx.select({ id: models.id }).from(models).where(eq(models.key, mk)),
      fresh,
    );
    const engineId = await upsertDimension(
      tx,
      cache,
      `e:${ek}`,
      () =>
        tx
          .insert(engines)
          .values({ key: ek, name: s.engine.name, version: s.engine.version, build: s.engine.build })
          .onConflictDoNothing({ target: engines.key })
          .returning({ id: engines.id }),
      () => tx.select({ id: engines.id }).from(engines).where(eq(engines.key, ek)),
      fresh,
    );

    const inserted = await tx
      .insert(submissions)
      .values({
        id: s.submissionId,
        schemaVersion: s.schemaVersion,
        suiteVersion: s.suiteVersion,
        tokenId,
        deviceId,
        modelId,
        engineId,
        backend: s.device.backend,
        runnerName: s.runner.name,
        runnerVersion: s.runner.version,
        runnerCommit: s.runner.commit,
        options: s.options,
        deviceSnapshot: { ...s.device, modelSource: s.model.source },
        memoryBandwidthGBps: s.device.memoryBandwidthGBps,
        startedAt: new Date(s.startedAt),
        finishedAt: new Date(s.finishedAt),
        plausible: flags.length === 0,
        flags,
      })
      .onConflictDoNothing({ target: submissions.id })
      .returning({ id: submissions.id });
    if (inserted.length === 0) return "duplicate" as const;

    const wrRows = await tx
      .insert(workloadResults)
      .values(s.workloads.map((w) => workloadRow(w, s, { deviceId, modelId, engineId }, !flaggedWorkloads.has(w.workloadId))))
      .returning({ id: workloadResults.id, workloadId: workloadResults.workloadId });
    const wrId = new Map(wrRows.map((r) => [r.workloadId, r.id]));

    const readings = [
      ...s.idlePower.map((p) => ({ ...p, kind: "idle", workloadResultId: null as number | null })),
      ...s.workloads.flatMap((w) =>
        w.power.map((p) => ({ ...p, kind: "workload", workloadResultId: wrId.get(w.workloadId)! })),
      ),
    ];
    if (readings.length > 0) {
      await tx.insert(powerReadings).values(readings.map((r) => ({ ...r, submissionId: s.submissionId })));
    }
    const traces = s.workloads.flatMap((w) =>
      w.powerTrace.map((t) => ({ ...t, workloadResultId: wrId.get(w.workloadId)! })),
    );
    if (traces.length > 0) await tx.insert(powerTraces).values(traces);
    return "created" as const;
  });

  for (const [k, v] of fresh) cache.set(k, v);
  return { status, submissionId: s.submissionId, plausible: flags.length === 0, flags };
}

function workloadRow(
  w: WorkloadResult,
  s: Submission,
  ids: { deviceId: number; modelId: number; engineId: number },
  plausible: boolean,
): typeof workloadResults.$inferInsert {
  const stats = w.status === "ok" ? deriveStats(w.samples) : null;
  return {
    submissionId: s.submissionId,
    ...ids,
    backend: s.device.backend,
    workloadId: w.workloadId,
    nPrompt: w.nPrompt,
    nGen: w.nGen,
    nDepth: w.nDepth,
    status: w.status,
    error: w.error,
    samplesNs: w.samples.map((x) => x.durationNs),
    samplesPromptTokens: w.samples.map((x) => x.promptTokens),
    samplesGenTokens: w.samples.map((x) => x.genTokens),
    avgNs: stats?.avgNs ?? null,
    stddevNs: stats?.stddevNs ?? null,
    avgTokensPerSec: stats?.avgTokensPerSec ?? null,
    stddevTokensPerSec: stats?.stddevTokensPerSec ?? null,
    peakRssBytes: w.memory.peakRssBytes,
    modelBytes: w.memory.modelBytes,
    kvBytes: w.memory.kvBytes,
    vramBytes: w.memory.vramBytes,
    prefillJPerToken: w.prefillEnergyPerToken?.totalJ ?? null,
    prefillJPerTokenAboveIdle: w.prefillEnergyPerToken?.aboveIdleJ ?? null,
    decodeJPerToken: w.decodeEnergyPerToken?.totalJ ?? null,
    decodeJPerTokenAboveIdle: w.decodeEnergyPerToken?.aboveIdleJ ?? null,
    plausible: plausible && w.status === "ok",
  };
}

