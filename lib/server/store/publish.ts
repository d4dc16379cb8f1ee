/**
 * Publishing: runs and devices become public (or are hidden again), and the leaderboard's tables
 * (lib/server/db/views.ts) are made again for the groups those runs belong to, in the same
 * transaction: the public board is current when the publish commits. Callers reach it through the
 * publish operation (lib/server/ops/publish.ts), which checks who asks.
 */
import { and, eq, inArray, sql, type SQL } from "drizzle-orm";
import { rowsOf, type Db } from "../db/client";
import { devices, submissions, workloadResults } from "../db/schema";
import { derivePending } from "./derived";

/** Marks what anonymous visitors see as changed: every process's public page cache renders anew (lib/server/http/page-cache.ts). */
export async function bumpPublicVersion(db: Db): Promise<void> {
  await db.execute(sql`update public_version set version = version + 1, changed_at = now() where id = 1`);
}

/** The version of what anonymous visitors see (drizzle/0020). */
export async function readPublicVersion(db: Db): Promise<number> {
  const r = rowsOf<{ v: string | number }>(await db.execute(sql`select version as v from public_version where id = 1`))[0];
  return Number(r?.v ?? 0);
}

export interface PublishTarget {
  submissionIds?: string[];
  deviceIds?: number[];
  /** Every plausible submission not yet published (a local user publishing their own machine). */
  allPlausible?: boolean;
}

/** Publishes (or hides) runs and devices; returns how many submissions changed. */
export async function setPublished(db: Db, target: PublishTarget, published: boolean): Promise<{ submissions: number }> {
  const conds: SQL[] = [];
  if (target.submissionIds?.length) conds.push(inArray(submissions.id, target.submissionIds));
  if (target.deviceIds?.length) conds.push(inArray(submissions.deviceId, target.deviceIds));
  if (target.allPlausible) conds.push(eq(submissions.plausible, true));
  if (conds.length === 0) return { submissions: 0 };
  const changed = await db.transaction(async (tx) => {
    const rows = await tx
      .update(submissions)
      .set({ published })
      .where(and(sql`(${sql.join(conds, sql` or `)})`, eq(submissions.published, !published)))
      .returning({ id: submissions.id });
    const ids = rows.map((r) => r.id);
    if (ids.length) await tx.update(workloadResults).set({ published }).where(inArray(workloadResults.submissionId, ids));
    if (target.deviceIds?.length) await tx.update(devices).set({ published }).where(inArray(devices.id, target.deviceIds));
    // In the same transaction: the changed runs' groups (queued by the submissions trigger) are made
    // again, and every process's public page cache renders anew once it commits.
    if (ids.length) {
      await derivePending(tx as unknown as Db);
      await bumpPublicVersion(tx as unknown as Db);
    }
    return ids.length;
  });
  return { submissions: changed };
}
