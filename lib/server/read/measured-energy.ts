/**
 * Measured device energy for the TCO model, from a declared reference so that the figure means one
 * thing: generation (tg128, depth 0) of published, plausible runs, above idle, on devices of the
 * class the scenario models (phone, laptop, desktop), in one scope.
 *
 * The reference is battery side (`battery`), as the model's device J/token is: wall readings include
 * the charger, package-only figures leave out the rest of the device, and Apple's powermetrics `soc`
 * ("Combined Power (CPU+GPU+ANE)") leaves out DRAM, the display and the rest of the board. A `soc`
 * reference is still offered, kept apart and labelled a lower bound; it never feeds the preset.
 * A J/token whose reading had repetitions shorter than the sensor resolves (`short_window`) or a gap
 * in its samples (`gap`) is interpolated, not measured: it is left out. So is a figure withheld on
 * ingest (null above idle: a drifting idle baseline).
 */
import { and, eq, gte, inArray, isNotNull, lt, ne, sql } from "drizzle-orm";
import { READING_FLAGS } from "../../core/contracts/submission";
import type { DeviceClassKey } from "../../core/tco/presets";
import type { Db } from "../db/client";
import { devices, models, submissions, workloadResults } from "../db/schema";
import { SIZE_CLASSES } from "./leaderboard";

/** Which models the reference takes: all, a parameter-count class, or one model by name. */
export type DeviceEnergyModels = { sizeClass: keyof typeof SIZE_CLASSES } | { model: string } | null;

/** `battery`: the reference (battery side, whole device). `soc`: compute only, a lower bound of it. */
export type DeviceEnergyScope = "battery" | "soc";

export const DEVICE_ENERGY_REFERENCE = {
  workloadId: "tg128",
  scope: "battery",
  lowerBoundScope: "soc",
  /** Readings with any of these flags are interpolated: their J/token is left out. */
  excludedReadingFlags: READING_FLAGS,
  statistic: "median of J/token above idle",
} as const;

export interface DeviceEnergyQuery {
  /** The TCO model's device class; devices.device_class names phones, laptops and desktops alike. */
  deviceClass: DeviceClassKey;
  models?: DeviceEnergyModels;
  /** Default `battery` (the reference); `soc` gives the lower bound. */
  scope?: DeviceEnergyScope;
}

export interface MeasuredDeviceEnergy {
  /** Median J/token above idle, and the spread (25th and 75th percentiles). */
  jPerToken: number;
  p25: number;
  p75: number;
  /** Results it comes from, and their submissions (links on the page; at most 50). */
  runs: number;
  submissionIds: string[];
  /** The one scope it is of: `soc` is a lower bound of the battery-side figure. */
  scope: DeviceEnergyScope;
  deviceClass: DeviceClassKey;
  reference: typeof DEVICE_ENERGY_REFERENCE;
  /** The models it covers: all, a size class, or one model. */
  models: DeviceEnergyModels;
}

export async function measuredDeviceEnergy(db: Db, q: DeviceEnergyQuery): Promise<MeasuredDeviceEnergy | null> {
  const which = q.models ?? null;
  const scope = q.scope ?? "battery";
  const size = which && "sizeClass" in which ? SIZE_CLASSES[which.sizeClass] : null;
  const modelIds = which
    ? db
        .select({ id: models.id })
        .from(models)
        .where("model" in which ? eq(models.name, which.model) : and(gte(models.parameterCount, size![0]), lt(models.parameterCount, size![1])))
    : null;
  const flags = sql.join(
    DEVICE_ENERGY_REFERENCE.excludedReadingFlags.map((f) => sql`${f}`),
    sql`, `,
  );
  const where = and(
    ...(modelIds ? [inArray(workloadResults.modelId, modelIds)] : []),
    eq(workloadResults.workloadId, DEVICE_ENERGY_REFERENCE.workloadId),
    eq(workloadResults.published, true),
    eq(workloadResults.plausible, true),
    eq(workloadResults.status, "ok"),
    isNotNull(workloadResults.jPerTokenAboveIdle),
    eq(workloadResults.energyScope, scope),
    ne(workloadResults.energyTier, "modelled"),
    inArray(workloadResults.deviceId, db.select({ id: devices.id }).from(devices).where(eq(devices.deviceClass, q.deviceClass))),
    // A run with a submission-level flag is off the leaderboard: off this reference too.
    inArray(workloadResults.submissionId, db.select({ id: submissions.id }).from(submissions).where(eq(submissions.plausible, true))),
    // The workload's readings as submitted (submission_power): one of the figure's sensors flagged
    // leaves it out; where the sensors are not recorded, any flagged reading of the workload does.
    sql`not exists (
      select 1 from submission_power sp cross join lateral jsonb_array_elements(sp.readings) r
      where sp.submission_id = ${workloadResults.submissionId} and r->>'kind' = 'workload' and r->>'workloadId' = ${workloadResults.workloadId}
        and (${workloadResults.energySensors} is null or r->>'sensor' = any(${workloadResults.energySensors}))
        and jsonb_exists_any(r->'flags', array[${flags}]::text[]))`,
  );
  const [agg] = await db
    .select({
      median: sql<number>`percentile_cont(0.5) within group (order by ${workloadResults.jPerTokenAboveIdle})`.mapWith(Number),
      p25: sql<number>`percentile_cont(0.25) within group (order by ${workloadResults.jPerTokenAboveIdle})`.mapWith(Number),
      p75: sql<number>`percentile_cont(0.75) within group (order by ${workloadResults.jPerTokenAboveIdle})`.mapWith(Number),
      runs: sql<number>`count(*)`.mapWith(Number),
    })
    .from(workloadResults)
    .where(where);
  if (!agg || agg.runs === 0 || !Number.isFinite(agg.median) || agg.median <= 0) return null;
  const subs = await db.selectDistinct({ id: workloadResults.submissionId }).from(workloadResults).where(where).limit(50);
  return { jPerToken: agg.median, p25: agg.p25, p75: agg.p75, runs: agg.runs, submissionIds: subs.map((s) => s.id), scope, deviceClass: q.deviceClass, reference: DEVICE_ENERGY_REFERENCE, models: which };
}
