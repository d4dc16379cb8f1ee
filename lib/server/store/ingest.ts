/**
 * Ingest: one validated submission → rows, in one transaction, idempotent on the submission id.
 * A repeat of the same id (a runner retrying) is answered as a duplicate and writes nothing new;
 * concurrent repeats wait on the primary key and then see the first one.
 */
import { ensureResultPartitionsForIngest, isDeadlock, isMissingPartition } from "../db/partitions";
import { createHash } from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import type { EnergyPerToken, Submission, WorkloadResult } from "../../core/contracts/submission";
import { checkSubmission, rankingFlag, type Flag } from "../../core/measure/plausibility";
import { deriveStats, runSummary } from "../../core/measure/stats";
import { decodeRoofline } from "../../core/measure/roofline";
import { fingerprintHash, isReferenceRun, type OutputStatus } from "../../core/measure/fingerprint";
import { workloadPhase } from "../../core/contracts/workloads";
import { sustainedSummary } from "../../core/measure/sustained";
import type { Db } from "../db/client";
import { ingestBatcher, ingestOne, type IngestArgs, type IngestCallResult } from "./ingest-batch";
import { builtInLayout, judgeLayout, type LayoutVerdict } from "../../core/measure/model-catalog";
import { recordLayout, trustedLayoutFor, type LayoutSource } from "./model-catalog";
import { devices, engines, models } from "../db/schema";

export interface IngestResult {
  status: "created" | "duplicate";
  submissionId: string;
  plausible: boolean;
  flags: Flag[];
  /** The output check's verdict (lib/core/measure/fingerprint.ts), for a run with a fingerprint. */
  outputStatus?: OutputStatus | null;
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
 * Bounded: a client inventing a new device per submission cannot grow it without limit (the
 * oldest entries go first; a miss costs only the round trips).
 */
export const DIMENSION_CACHE_MAX = 10_000;
const dimensionCaches = new WeakMap<Db, Map<string, number>>();
function cacheOf(db: Db): Map<string, number> {
  let c = dimensionCaches.get(db);
  if (!c) dimensionCaches.set(db, (c = new Map()));
  return c;
}
function remember(cache: Map<string, number>, key: string, id: number): void {
  cache.delete(key);
  cache.set(key, id);
  while (cache.size > DIMENSION_CACHE_MAX) cache.delete(cache.keys().next().value!);
}

/** Thrown inside the transaction to roll back the dimension rows of a repeated submission id. */
class DuplicateRollback extends Error {}

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

export interface IngestOptions {
  /**
   * Who vouches for this submission where the server has no reference yet: its model layout (where
   * the catalog has none for its file) and its output (a native CPU run becomes the file's output
   * reference) and its device name on a device it did not create: the owner, an admin, the owner's
   * own runners (a private server). Null: a contributor whose claims are judged but never become the
   * reference, and who names only devices its own submissions created.
   */
  vouchedBy?: LayoutSource | null;
  /** The contributor whose token sends it: a device this submission registers belongs to them (issue 30). */
  contributorId?: number | null;
}

export async function ingestSubmission(db: Db, s: Submission, tokenId: number | null, opts: IngestOptions = {}): Promise<IngestResult> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await ingestOnce(db, s, tokenId, opts);
    } catch (e) {
      if (attempt >= 3) throw e;
      // No monthly partition for now (the server outlived the ones made ahead): make them, then once more.
      if (isMissingPartition(e)) await ensureResultPartitionsForIngest(db);
      // Rolled back as a deadlock's victim (concurrent ingests while a partition is being made): once more.
      else if (!isDeadlock(e)) throw e;
    }
  }
}

async function ingestOnce(db: Db, s: Submission, tokenId: number | null, opts: IngestOptions): Promise<IngestResult> {
  // The layout the server trusts for this file: its catalog row, else (first run of a file from a
  // trusted submitter whose claims hold up) the claims become that row; else the built-in shape.
  let trusted = await trustedLayoutFor(db, s.model);
  if (!trusted && opts.vouchedBy && s.model.sha256) {
    await recordLayout(db, s.model, opts.vouchedBy);
    trusted = await trustedLayoutFor(db, s.model);
  }
  const layout = judgeLayout(s.model, trusted ?? builtInLayout(s.model)).layout;
  const flags = checkSubmission(s, { trustedLayout: trusted });
  // Off the rankings: the workloads of a flag that doubts more than the idle baseline (rankingFlag).
  const flaggedWorkloads = new Set(flags.filter(rankingFlag).map((f) => f.workloadId));
  const fresh = new Map<string, number>();
  const cache = cacheOf(db);
  const fp = deviceFingerprint(s.device);
  const mk = modelKey(s.model);
  const ek = engineKey(s.engine);

  let deviceIdSeen: number | null = null;
  let stored: IngestCallResult = { created: false };
  const write = async (tx: Tx, inTransaction: boolean): Promise<"created" | "duplicate"> => {
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
            contributorId: opts.contributorId ?? null,
          })
          .onConflictDoNothing({ target: devices.fingerprint })
          .returning({ id: devices.id }),
      () => tx.select({ id: devices.id }).from(devices).where(eq(devices.fingerprint, fp)),
      fresh,
    );
    deviceIdSeen = deviceId;
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

    // A contributor's run waits for a reviewer (lib/server/store/review.ts); the owner's and admins' need none.
    const review = opts.contributorId != null ? "pending" : null;
    const args = ingestCallArgs(s, { deviceId, modelId, engineId }, tokenId, flags, flaggedWorkloads, layout, opts.vouchedBy != null, review);
    // Known dimensions (no transaction of ours): the call may share its commit with others arriving at once.
    stored = inTransaction ? await ingestOne(tx, args) : await ingestBatcher(db).submit(args, `${String(modelId).padStart(10, "0")}:${s.submissionId}`);
    return stored.created ? "created" : "duplicate";
  };
  // Known dimensions: the submission is one statement (atomic on its own). New ones: one transaction.
  // A repeated id writes nothing: not even the device, model or engine rows a hostile repeat with
  // other dimensions would have added (the transaction is rolled back).
  const known = [`d:${fp}`, `m:${mk}`, `e:${ek}`].every((k) => cache.has(k));
  let status: "created" | "duplicate";
  if (known) status = await write(db as unknown as Tx, false);
  else {
    try {
      status = await db.transaction(async (tx) => {
        const st = await write(tx, true);
        if (st === "duplicate" && fresh.size) throw new DuplicateRollback();
        return st;
      });
    } catch (e) {
      if (!(e instanceof DuplicateRollback)) throw e;
      status = "duplicate";
      fresh.clear();
    }
  }
  const newDevice = fresh.has(`d:${fp}`);
  for (const [k, v] of fresh) remember(cache, k, v);
  // A name the runner gives (--device-name) names the device; it is not part of its identity. Only a
  // submission that was stored (never a duplicate) names it, and only for a device it created or
  // from a submitter who vouches (the owner, an admin, a private server's runners): a contributor's
  // token or a pairing code cannot rename someone else's device.
  if (status === "created" && s.device.name && deviceIdSeen != null && (newDevice || opts.vouchedBy != null)) {
    await db.update(devices).set({ displayName: s.device.name }).where(and(eq(devices.id, deviceIdSeen), sql`${devices.displayName} is distinct from ${s.device.name}`));
  }
  if (status === "created" && s.fingerprint) {
    // The output check ran in the database, in the same call: a run whose output differs is answered as flagged.
    if (stored.outputStatus === "differs") return { status, submissionId: s.submissionId, plausible: false, flags: stored.flags ?? flags, outputStatus: "differs" };
    return { status, submissionId: s.submissionId, plausible: flags.length === 0, flags, outputStatus: stored.outputStatus ?? null };
  }
  return { status, submissionId: s.submissionId, plausible: flags.length === 0, flags };
}

/**
 * The ingest function's four arguments for a submission (JSON text: the submission row, its
 * workload results, its power readings and traces as submission_power keeps them). bench:ingest
 * builds its pgbench script from the same function.
 */
export function ingestCallArgs(
  s: Submission,
  ids: { deviceId: number; modelId: number; engineId: number },
  tokenId: number | null,
  flags: Flag[],
  flaggedWorkloads: Set<string | null>,
  layout: LayoutVerdict["layout"] | undefined,
  trusted: boolean,
  reviewStatus: "pending" | null,
): IngestArgs {
  const sub = submissionRow(s, ids, tokenId, flags, trusted, reviewStatus);
  const aboveIdleWithheld = new Set(flags.filter((f) => !rankingFlag(f)).map((f) => f.workloadId));
  const wr = s.workloads.map((w) => {
    const row = workloadRow(w, !flaggedWorkloads.has(w.workloadId), s, layout);
    // A baseline that drifted (idle_drift): the figures it enters are not known, and not stored.
    return aboveIdleWithheld.has(w.workloadId) ? { ...row, j_per_token_above_idle: null, prefill_j_per_token_above_idle: null, decode_j_per_token_above_idle: null } : row;
  });
  // Readings and traces as submitted (the contract's shapes), with where each was taken: the idle
  // baselines, then each workload's, in the submission's order (schema.ts, submissionPower).
  const readings = [
    ...s.idlePower.map((p) => ({ kind: "idle", workloadId: null, ...p })),
    ...s.idlePowerAfter.map((p) => ({ kind: "idle-after", workloadId: null, ...p })),
    ...s.workloads.flatMap((w) => w.power.map((p) => ({ kind: "workload", workloadId: w.workloadId, ...p }))),
  ];
  const traces = s.workloads.flatMap((w) => w.powerTrace.map((t) => ({ workloadId: w.workloadId, ...t })));
  return [JSON.stringify(withoutNulls(sub)), JSON.stringify(wr.map(withoutNulls)), JSON.stringify(readings), JSON.stringify(traces), wr.length];
}

/**
 * A row without its null columns: the ingest function reads a missing key as NULL (jsonb_populate_record
 * on a NULL base), so the same row is stored, and a typical workload row's JSON is about 40% smaller:
 * less for the server to write and for PostgreSQL to parse (docs/scale.md, "Ingest").
 */
function withoutNulls<T extends object>(row: T): Partial<T> {
  const out: Partial<T> = {};
  for (const k in row) if (row[k] != null) out[k] = row[k];
  return out;
}

/** A workload result as the ingest function takes it: keys are workload_results columns. */
export function workloadRow(w: WorkloadResult, plausible: boolean, s: Pick<Submission, "device" | "model">, layout?: LayoutVerdict["layout"]) {
  const stats = w.status === "ok" ? deriveStats(w.samples) : null;
  const run = w.status === "ok" ? runSummary(w.workloadId, w.samples) : null;
  // TTFT is a latency (avg_ns, in ms on every page), never a tokens/s figure.
  const rate = w.workloadId === "ttft" ? null : stats;
  // The decode roofline (a diagnostic: % of the measured bandwidth), from the layout the server
  // trusts and the bandwidth of the memory holding the weights (none for cache-resident models or
  // without that figure).
  const model = layout ? { ...s.model, weightsReadPerTokenBytes: layout.weightsReadPerTokenBytes, kvBytesPerToken: layout.kvBytesPerToken } : s.model;
  const roofline = rate && workloadPhase(w.workloadId) === "decode" ? decodeRoofline({ device: s.device, model }, w, rate.avgTokensPerSec) : null;
  // A sustained run's peak, steady state and throttling, derived here from its intervals.
  const sus = w.status === "ok" && workloadPhase(w.workloadId) === "sustained" ? sustainedSummary(w.samples) : null;
  return {
    workload_id: w.workloadId,
    n_prompt: w.nPrompt,
    n_gen: w.nGen,
    n_depth: w.nDepth,
    n_batch: w.nBatch,
    samples_first_token_ns: w.samples.some((x) => x.firstTokenNs != null) ? w.samples.map((x) => x.firstTokenNs) : null,
    status: w.status,
    error: w.error,
    samples_ns: w.samples.map((x) => x.durationNs),
    samples_prompt_tokens: w.samples.map((x) => x.promptTokens),
    samples_gen_tokens: w.samples.map((x) => x.genTokens),
    // The figure the pages show: medians over repetitions, with the interquartile range (none for
    // an imported average: its one repetition is a mean, and its spread is the stddev above).
    median_ns: run?.ns.median ?? null,
    p25_ns: w.aggregate ? null : (run?.ns.p25 ?? null),
    p75_ns: w.aggregate ? null : (run?.ns.p75 ?? null),
    median_ts: run?.ts?.median ?? null,
    p25_ts: w.aggregate ? null : (run?.ts?.p25 ?? null),
    p75_ts: w.aggregate ? null : (run?.ts?.p75 ?? null),
    median_first_token_ns: run?.firstTokenNs ?? null,
    avg_ns: stats?.avgNs ?? null,
    // An imported average holds one sample (its mean repetition): the spread is the one llama-bench printed.
    stddev_ns: w.aggregate ? w.aggregate.stddevNs : (stats?.stddevNs ?? null),
    avg_ts: rate?.avgTokensPerSec ?? null,
    stddev_ts: rate && w.aggregate ? w.aggregate.stddevTokensPerSec : (rate?.stddevTokensPerSec ?? null),
    peak_rss_bytes: w.memory.peakRssBytes,
    baseline_rss_bytes: w.memory.baselineRssBytes,
    kv_used_bytes: w.memory.kvUsedBytes,
    other_bytes: w.memory.otherBytes,
    model_bytes: w.memory.modelBytes,
    kv_bytes: w.memory.kvBytes,
    vram_bytes: w.memory.vramBytes,
    prefill_j_per_token: w.prefillEnergyPerToken?.totalJ ?? null,
    prefill_j_per_token_above_idle: w.prefillEnergyPerToken?.aboveIdleJ ?? null,
    decode_j_per_token: w.decodeEnergyPerToken?.totalJ ?? null,
    decode_j_per_token_above_idle: w.decodeEnergyPerToken?.aboveIdleJ ?? null,
    plausible: plausible && w.status === "ok",
    samples_energy_j: w.samples.some((x) => x.energyJ != null) ? w.samples.map((x) => x.energyJ) : null,
    j_per_token: w.energyPerToken?.totalJ ?? null,
    j_per_token_above_idle: w.energyPerToken?.aboveIdleJ ?? null,
    energy_scope: w.energyPerToken?.scope ?? null,
    energy_tier: w.energyPerToken?.tier ?? null,
    energy_sensors: w.energyPerToken?.sensors.length ? w.energyPerToken.sensors : null,
    j_per_token_range: w.energyPerToken?.rangeJ ?? null,
    roofline_efficiency: roofline?.efficiency ?? null,
    roofline_bytes_per_token: roofline?.bytesPerToken ?? null,
    thermal_start: w.thermalStart,
    start_cpu_c: w.thermalStart?.cpuC ?? null,
    load: w.load,
    phase_energy: phaseEnergy(w),
    sustained: w.sustained,
    peak_ts: sus?.peakTokensPerS ?? null,
    steady_ts: sus?.steadyTokensPerS ?? null,
    throttle_ratio: sus?.throttleRatio ?? null,
    time_to_throttle_s: sus?.timeToThrottleS ?? null,
  };
}

/** A phase energy's scope, sensors, tier and range where they are not its workload's own (kept in the columns); null where they are. */
function phaseMeta(phase: EnergyPerToken | null, whole: EnergyPerToken | null) {
  if (!phase) return null;
  const sensors = whole?.sensors ?? [];
  const same = phase.rangeJ == null && phase.scope === (whole?.scope ?? null) && phase.tier === (whole?.tier ?? null) && phase.sensors.length === sensors.length && phase.sensors.every((x, i) => x === sensors[i]);
  return same ? null : { scope: phase.scope, sensors: phase.sensors, tier: phase.tier, rangeJ: phase.rangeJ };
}

/** workload_results.phase_energy: the phases' own scope, sensors, tier and range where either differs from the workload's (null: neither does). */
function phaseEnergy(w: WorkloadResult) {
  const prefill = phaseMeta(w.prefillEnergyPerToken, w.energyPerToken);
  const decode = phaseMeta(w.decodeEnergyPerToken, w.energyPerToken);
  return prefill || decode ? { ...(prefill && { prefill }), ...(decode && { decode }) } : null;
}

/** The submission as the ingest function takes it: keys are submissions columns. */
/**
 * `trusted`: the submitter vouches for references (the owner, an admin, a private server's runners):
 * its native CPU run of a file becomes that file's output reference at once. An untrusted one is a
 * "peer": references come from several independent devices agreeing (tokenwatt_check_output).
 */
export function submissionRow(s: Submission, ids: { deviceId: number; modelId: number; engineId: number }, tokenId: number | null, flags: Flag[], trusted = false, reviewStatus: "pending" | null = null) {
  return {
    id: s.submissionId,
    schema_version: s.schemaVersion,
    suite_version: s.suiteVersion,
    token_id: tokenId,
    device_id: ids.deviceId,
    model_id: ids.modelId,
    engine_id: ids.engineId,
    backend: s.device.backend,
    runner_name: s.runner.name,
    runner_version: s.runner.version,
    runner_commit: s.runner.commit,
    options: s.options,
    device_snapshot: { ...s.device, modelSource: s.model.source },
    memory_bandwidth_gbps: s.device.memoryBandwidthGBps,
    started_at: s.startedAt,
    finished_at: s.finishedAt,
    // A flagged workload is kept off the board on its own; the run's other workloads stay.
    plausible: flags.every((f) => f.workloadId != null),
    flags,
    webgpu: s.webgpu,
    fingerprint_version: s.fingerprint?.version ?? null,
    fingerprint_prompt_tokens: s.fingerprint?.promptTokens ?? null,
    fingerprint_tokens: s.fingerprint?.tokenIds ?? null,
    // Computed here, never taken from the client.
    fingerprint_hash: s.fingerprint ? fingerprintHash(s.fingerprint.tokenIds) : null,
    fingerprint_role: s.fingerprint ? (isReferenceRun(s) ? (trusted ? "reference" : "peer") : "candidate") : null,
    fingerprint_top_k: s.fingerprint?.topK ?? null,
    source: s.source,
    review_status: reviewStatus,
    model_weights_read_per_token_bytes: s.model.weightsReadPerTokenBytes,
    model_kv_bytes_per_token: s.model.kvBytesPerToken,
  };
}
