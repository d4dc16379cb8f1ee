/**
 * Measured data-center J/token against the serving batch, for the TCO model: the `server` suite's
 * decode workloads (tg128 and tg128@bB) of published, plausible runs on a GPU backend (CUDA,
 * Vulkan, Metal, ROCm-class devices report one of these) or a device of class `server`, with a
 * measured (not modelled) energy per token in a GPU or wider scope: one that covers the GPU (its
 * parts include `gpu`, lib/core/measure/energy.ts) or the whole device (`wall`, `battery`, `soc`).
 * A CPU package or DRAM figure (a RAPL counter, on a server-class CPU run or on a GPU run with no
 * GPU sensor) leaves out the accelerator the curve is about, so it is no point on it. One curve per
 * model and device: the median J/token at each batch, with the runs it comes from.
 */
import { and, eq, inArray, isNotNull, ne, or, sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { devices, models, submissions, workloadResults } from "../db/schema";
import type { PowerScope } from "../../core/contracts/submission";

export const BATCH_CURVE_REFERENCE = {
  workloads: "tg128, tg128@bB",
  backends: ["cuda", "vulkan", "metal"],
  statistic: "median of J/token (total) at each batch",
  /**
   * A J/token's scope is admitted when one of its parts (`package+dram+gpu` has three) is one of
   * these: the GPU itself, or a scope of the whole device (energy.ts's WHOLE_DEVICE).
   */
  scopeParts: ["gpu", "wall", "battery", "soc"] satisfies PowerScope[],
} as const;

export interface MeasuredBatchCurve {
  model: string;
  quantization: string;
  device: string;
  backend: string;
  energyScope: string;
  /** [batch, median J/token], by batch. */
  points: [number, number][];
  runs: number;
  submissionIds: string[];
}

export async function measuredBatchCurves(db: Db): Promise<MeasuredBatchCurve[]> {
  const rows = await db
    .select({
      model: models.name,
      quantization: models.quantization,
      device: sql<string>`${devices.vendor} || ' ' || ${devices.model}`,
      backend: workloadResults.backend,
      scope: workloadResults.energyScope,
      batch: workloadResults.nBatch,
      median: sql<number>`percentile_cont(0.5) within group (order by ${workloadResults.jPerToken})`.mapWith(Number),
      runs: sql<number>`count(*)`.mapWith(Number),
      ids: sql<string[]>`array_agg(distinct ${workloadResults.submissionId}::text)`,
    })
    .from(workloadResults)
    .innerJoin(models, eq(models.id, workloadResults.modelId))
    .innerJoin(devices, eq(devices.id, workloadResults.deviceId))
    .where(
      and(
        sql`${workloadResults.workloadId} ~ '^tg128(@b[0-9]+)?$'`,
        eq(workloadResults.published, true),
        eq(workloadResults.plausible, true),
        eq(workloadResults.status, "ok"),
        isNotNull(workloadResults.jPerToken),
        sql`string_to_array(${workloadResults.energyScope}, '+') && array[${sql.join(BATCH_CURVE_REFERENCE.scopeParts.map((p) => sql`${p}`), sql`, `)}]::text[]`,
        ne(workloadResults.energyTier, "modelled"),
        or(inArray(workloadResults.backend, [...BATCH_CURVE_REFERENCE.backends]), eq(devices.deviceClass, "server")),
        inArray(workloadResults.submissionId, db.select({ id: submissions.id }).from(submissions).where(eq(submissions.plausible, true))),
      ),
    )
    .groupBy(models.name, models.quantization, devices.vendor, devices.model, workloadResults.backend, workloadResults.energyScope, workloadResults.nBatch);
  const curves = new Map<string, MeasuredBatchCurve>();
  for (const r of rows) {
    const key = [r.model, r.quantization, r.device, r.backend, r.scope].join("|");
    let c = curves.get(key);
    if (!c) curves.set(key, (c = { model: r.model, quantization: r.quantization, device: r.device, backend: r.backend, energyScope: r.scope!, points: [], runs: 0, submissionIds: [] }));
    if (Number.isFinite(r.median) && r.median > 0) c.points.push([r.batch, r.median]);
    c.runs += r.runs;
    for (const id of r.ids) if (!c.submissionIds.includes(id)) c.submissionIds.push(id);
  }
  return [...curves.values()]
    .filter((c) => c.points.length > 0)
    .map((c) => ({ ...c, points: c.points.sort((a, b) => a[0] - b[0]), submissionIds: c.submissionIds.slice(0, 20) }));
}
