/**
 * Measured device energy for the TCO model, from a declared reference so that the figure means one
 * thing: generation (tg128, depth 0) of published, plausible runs, above idle, in a battery-side
 * scope (`battery`, or `soc`), as the model's device J/token is battery side. Wall readings include
 * the charger and are left out rather than divided by a charging efficiency again; package-only
 * figures leave out the rest of the device and are left out too.
 */
import { and, eq, gte, inArray, isNotNull, lt, ne, sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { models, submissions, workloadResults } from "../db/schema";
import { SIZE_CLASSES } from "./leaderboard";

/** Which models the reference takes: all, a parameter-count class, or one model by name. */
export type DeviceEnergyModels = { sizeClass: keyof typeof SIZE_CLASSES } | { model: string } | null;

export const DEVICE_ENERGY_REFERENCE = {
  workloadId: "tg128",
  scopes: ["battery", "soc"],
  statistic: "median of J/token above idle",
} as const;

export interface MeasuredDeviceEnergy {
  /** Median J/token above idle, and the spread (25th and 75th percentiles). */
  jPerToken: number;
  p25: number;
  p75: number;
  /** Results it comes from, and their submissions (links on the page). */
  runs: number;
  submissionIds: string[];
  scopes: string[];
  reference: typeof DEVICE_ENERGY_REFERENCE;
  /** The models it covers: all, a size class, or one model. */
  models: DeviceEnergyModels;
}

export async function measuredDeviceEnergy(db: Db, which: DeviceEnergyModels = null): Promise<MeasuredDeviceEnergy | null> {
  const size = which && "sizeClass" in which ? SIZE_CLASSES[which.sizeClass] : null;
  const modelIds = which
    ? db
        .select({ id: models.id })
        .from(models)
        .where("model" in which ? eq(models.name, which.model) : and(gte(models.parameterCount, size![0]), lt(models.parameterCount, size![1])))
    : null;
  const where = and(
    ...(modelIds ? [inArray(workloadResults.modelId, modelIds)] : []),
    eq(workloadResults.workloadId, DEVICE_ENERGY_REFERENCE.workloadId),
    eq(workloadResults.published, true),
    eq(workloadResults.plausible, true),
    eq(workloadResults.status, "ok"),
    isNotNull(workloadResults.jPerTokenAboveIdle),
    inArray(workloadResults.energyScope, [...DEVICE_ENERGY_REFERENCE.scopes]),
    ne(workloadResults.energyTier, "modelled"),
    // A run with a submission-level flag is off the leaderboard: off this reference too.
    inArray(workloadResults.submissionId, db.select({ id: submissions.id }).from(submissions).where(eq(submissions.plausible, true))),
  );
  const [agg] = await db
    .select({
      median: sql<number>`percentile_cont(0.5) within group (order by ${workloadResults.jPerTokenAboveIdle})`.mapWith(Number),
      p25: sql<number>`percentile_cont(0.25) within group (order by ${workloadResults.jPerTokenAboveIdle})`.mapWith(Number),
      p75: sql<number>`percentile_cont(0.75) within group (order by ${workloadResults.jPerTokenAboveIdle})`.mapWith(Number),
      runs: sql<number>`count(*)`.mapWith(Number),
      scopes: sql<string[]>`array_agg(distinct ${workloadResults.energyScope})`,
    })
    .from(workloadResults)
    .where(where);
  if (!agg || agg.runs === 0 || !Number.isFinite(agg.median) || agg.median <= 0) return null;
  const subs = await db.selectDistinct({ id: workloadResults.submissionId }).from(workloadResults).where(where).limit(50);
  return { jPerToken: agg.median, p25: agg.p25, p75: agg.p75, runs: agg.runs, submissionIds: subs.map((s) => s.id), scopes: agg.scopes, reference: DEVICE_ENERGY_REFERENCE, models: which };
}
