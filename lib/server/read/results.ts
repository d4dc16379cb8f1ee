/** Read queries used by the API and pages. */
import { and, desc, eq, lt, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import { BACKENDS, ENGINES } from "../../core/contracts/submission";
import type { Db } from "../db/client";
import { dbId, safeString } from "../../core/contracts/text";
import { devices, engines, models, submissions, workloadResults } from "../db/schema";
import type { Audience } from "./audience";

export const resultFiltersSchema = z.object({
  model: safeString(200, { min: 1 }).optional(),
  device: dbId.optional(),
  /** One run's results (its page's downloads). */
  submission: z.uuid().optional(),
  backend: z.enum(BACKENDS).optional(),
  engine: z.enum(ENGINES).optional(),
  workload: safeString(40, { min: 1 }).optional(),
  plausible: z.enum(["true", "false", "all"]).default("all"),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  cursor: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER).optional(),
  format: z.enum(["json", "csv"]).default("json"),
});
export type ResultFilters = z.infer<typeof resultFiltersSchema>;

/** Columns of a result row, in CSV order: a stable, documented export schema. */
export const RESULT_COLUMNS = [
  "id",
  "submissionId",
  "workloadId",
  "nPrompt",
  "nGen",
  "nDepth",
  "status",
  "medianTokensPerSec",
  "p25TokensPerSec",
  "p75TokensPerSec",
  "medianNs",
  "medianFirstTokenNs",
  "avgTokensPerSec",
  "stddevTokensPerSec",
  "avgNs",
  "stddevNs",
  "repetitions",
  "modelName",
  "modelQuantization",
  "modelWeights",
  "modelFileBytes",
  "deviceId",
  "deviceVendor",
  "deviceModel",
  "deviceName",
  "cpuModel",
  "backend",
  "engineName",
  "engineVersion",
  "engineBuild",
  "peakRssBytes",
  "kvBytes",
  "prefillJPerToken",
  "decodeJPerToken",
  "prefillJPerTokenAboveIdle",
  "decodeJPerTokenAboveIdle",
  "jPerToken",
  "jPerTokenAboveIdle",
  "energyScope",
  "energyTier",
  "jPerTokenRange",
  "plausible",
  "published",
  "startedAt",
] as const;

/** Published results for the public; unpublished too for the owner's audience (the owner, admin tokens). */
export async function listResults(db: Db, f: ResultFilters, audience: Audience) {
  const where: SQL[] = [];
  if (audience === "public") where.push(eq(workloadResults.published, true));
  if (f.model) where.push(eq(models.name, f.model));
  if (f.device) where.push(eq(workloadResults.deviceId, f.device));
  if (f.submission) where.push(eq(workloadResults.submissionId, f.submission));
  if (f.backend) where.push(eq(workloadResults.backend, f.backend));
  if (f.engine) where.push(eq(engines.name, f.engine));
  if (f.workload) where.push(eq(workloadResults.workloadId, f.workload));
  if (f.plausible !== "all") where.push(eq(workloadResults.plausible, f.plausible === "true"));
  if (f.cursor) where.push(lt(workloadResults.id, f.cursor));
  const rows = await db
    .select({
      id: workloadResults.id,
      submissionId: workloadResults.submissionId,
      workloadId: workloadResults.workloadId,
      nPrompt: workloadResults.nPrompt,
      nGen: workloadResults.nGen,
      nDepth: workloadResults.nDepth,
      status: workloadResults.status,
      error: workloadResults.error,
      medianTokensPerSec: workloadResults.medianTokensPerSec,
      p25TokensPerSec: workloadResults.p25TokensPerSec,
      p75TokensPerSec: workloadResults.p75TokensPerSec,
      medianNs: workloadResults.medianNs,
      medianFirstTokenNs: workloadResults.medianFirstTokenNs,
      avgTokensPerSec: workloadResults.avgTokensPerSec,
      stddevTokensPerSec: workloadResults.stddevTokensPerSec,
      avgNs: workloadResults.avgNs,
      stddevNs: workloadResults.stddevNs,
      repetitions: sql<number>`cardinality(${workloadResults.samplesNs})`.mapWith(Number),
      samplesNs: workloadResults.samplesNs,
      modelName: models.name,
      modelQuantization: models.quantization,
      modelWeights: models.weights,
      modelFileBytes: models.fileBytes,
      deviceId: workloadResults.deviceId,
      deviceVendor: devices.vendor,
      deviceModel: devices.model,
      deviceName: devices.displayName,
      cpuModel: devices.cpuModel,
      backend: workloadResults.backend,
      engineName: engines.name,
      engineVersion: engines.version,
      engineBuild: engines.build,
      peakRssBytes: workloadResults.peakRssBytes,
      kvBytes: workloadResults.kvBytes,
      prefillJPerToken: workloadResults.prefillJPerToken,
      decodeJPerToken: workloadResults.decodeJPerToken,
      prefillJPerTokenAboveIdle: workloadResults.prefillJPerTokenAboveIdle,
      decodeJPerTokenAboveIdle: workloadResults.decodeJPerTokenAboveIdle,
      jPerToken: workloadResults.jPerToken,
      jPerTokenAboveIdle: workloadResults.jPerTokenAboveIdle,
      energyScope: workloadResults.energyScope,
      energyTier: workloadResults.energyTier,
      jPerTokenRange: workloadResults.jPerTokenRange,
      plausible: workloadResults.plausible,
      published: workloadResults.published,
      startedAt: submissions.startedAt,
    })
    .from(workloadResults)
    .innerJoin(models, eq(models.id, workloadResults.modelId))
    .innerJoin(devices, eq(devices.id, workloadResults.deviceId))
    .innerJoin(engines, eq(engines.id, workloadResults.engineId))
    .innerJoin(submissions, eq(submissions.id, workloadResults.submissionId))
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(workloadResults.id))
    .limit(f.limit + 1);
  const hasMore = rows.length > f.limit;
  const page = hasMore ? rows.slice(0, f.limit) : rows;
  return { results: page, nextCursor: hasMore ? page[page.length - 1]!.id : null };
}

export type ResultRow = Awaited<ReturnType<typeof listResults>>["results"][number];

/** Cheap reachability check for /api/health. */
export async function ping(db: Db): Promise<void> {
  await db.execute(sql`select 1`);
}
