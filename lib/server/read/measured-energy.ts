/** Measured device energy for the TCO bottom-up preset: median decode J/token of plausible runs. */
import { and, eq, isNotNull, sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { rowsOf } from "../db/client";
import { workloadResults } from "../db/schema";

export async function measuredDecodeJPerToken(db: Db): Promise<{ jPerToken: number; runs: number } | null> {
  const r = await db
    .select({
      median: sql<number>`percentile_cont(0.5) within group (order by ${workloadResults.decodeJPerToken})`.mapWith(Number),
      runs: sql<number>`count(*)`.mapWith(Number),
    })
    .from(workloadResults)
    .where(and(eq(workloadResults.plausible, true), eq(workloadResults.status, "ok"), isNotNull(workloadResults.decodeJPerToken)));
  const row = rowsOf<{ median: number; runs: number }>(r)[0] ?? (r as { median: number; runs: number }[])[0];
  return row && row.runs > 0 && Number.isFinite(row.median) ? { jPerToken: row.median, runs: row.runs } : null;
}
