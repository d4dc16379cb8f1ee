/**
 * Keeping the leaderboard's tables current (lib/server/db/views.ts): runs that arrive or change are
 * queued by triggers on `submissions`; this module makes their groups again. Publishing does it in
 * its own transaction; ingest schedules it shortly after (debounced, so a burst of runs costs one
 * pass per group); the owner's reads call `ensureDerived` first, so the owner sees their own runs
 * at once even when the debounced pass has not run yet.
 */
import { sql, type SQL } from "drizzle-orm";
import { rowsOf, type Db } from "../db/client";

/** Makes the queued groups again (one transaction, under the maintenance lock); returns how many groups. */
export async function derivePending(db: Db): Promise<number> {
  const r = rowsOf<{ n: number }>(await db.execute(sql`select tokenwatt_derive_pending() as n`))[0];
  return Number(r?.n ?? 0);
}

/** Whether runs wait to be counted in the tables (a scan of a small, often empty, table). */
export async function derivedPending(db: Db): Promise<boolean> {
  const r = rowsOf<{ p: boolean }>(await db.execute(sql`select exists (select 1 from derived_queue) as p`))[0];
  return r?.p === true;
}

/** Before reading the owner's tables: makes queued groups again if any wait. */
export async function ensureDerived(db: Db): Promise<void> {
  if (await derivedPending(db)) await derivePending(db);
}

/** Every table again from the results (after a bulk load; what a changed module does at migrate). */
export async function deriveAll(db: Db): Promise<void> {
  await db.execute(sql`select tokenwatt_derive_all()`);
}

/** How long after an ingest the debounced pass runs at least: runs arriving meanwhile share it. */
export const DERIVE_DEBOUNCE_MS = 200;

/**
 * A pass costs about one group's results per queued group (a run of a device with 2,000 runs of one
 * model reads 20,000 results): under a stream of runs the next pass waits at least nine times as long
 * as the last one took, so making the tables again keeps to a tenth of one database connection's time
 * or less. Nothing waits on these passes: a run arrives private (publishing makes its groups in its
 * own transaction), and the owner's reads make the queued groups first (`derivedTable`).
 */
const BACKOFF = 9;
/** How much longer than the last pass the next one is taken to be, at most (see `nextPassDelayMs`). */
const MAX_GROWTH = 4;

/**
 * How long after the last pass the next one waits: nine times as long as it took, times how much
 * longer it took than the one before. A pass costs its groups' results, so a group growing fast (a
 * stream of runs of one device and model) makes each pass longer than the last: waiting for nine
 * times the last one alone let the passes take about a fifth of a connection's time instead of a
 * tenth (a group doubling from one pass to the next: 22% of a 20 s bench run in passes).
 */
export function nextPassDelayMs(lastMs: number, previousMs: number | undefined, minMs: number, sinceLastMs = 0): number {
  const growth = previousMs && previousMs > 0 ? Math.min(MAX_GROWTH, Math.max(1, lastMs / previousMs)) : 1;
  // Counted from the end of the last pass: after a quiet while, the next pass waits only the minimum.
  return Math.max(minMs, BACKOFF * lastMs * growth - sinceLastMs);
}

const scheduled = new WeakMap<Db, ReturnType<typeof setTimeout>>();
const lastPassMs = new WeakMap<Db, number>();
const previousPassMs = new WeakMap<Db, number>();
const lastPassEnd = new WeakMap<Db, number>();
/** Runs arrived after the pending pass was scheduled (it may not see them): one more pass after it. */
const arrivedSince = new WeakSet<Db>();

/**
 * After an ingest: one pass, DERIVE_DEBOUNCE_MS later (or longer, see BACKOFF), for everything
 * queued by then. A failure is logged and the runs stay queued (the next pass or the owner's next
 * read makes their groups again).
 */
export function scheduleDerive(db: Db, delayMs = DERIVE_DEBOUNCE_MS): void {
  if (scheduled.has(db)) {
    arrivedSince.add(db);
    return;
  }
  const t = setTimeout(
    () => {
      arrivedSince.delete(db);
      const t0 = performance.now();
      derivePending(db)
        .then((groups) => {
          // Timed only when it made groups: a pass that found the queue empty (the owner's reads made
          // them) or failed says nothing of how long the next one takes.
          if (groups === 0) return;
          const last = lastPassMs.get(db);
          if (last !== undefined) previousPassMs.set(db, last);
          lastPassMs.set(db, performance.now() - t0);
          lastPassEnd.set(db, performance.now());
        })
        .catch((e: unknown) => {
          // drizzle wraps the driver's error: its cause says what failed.
          const cause = e instanceof Error && e.cause instanceof Error ? e.cause.message : e instanceof Error ? e.message : String(e);
          // The database closed meanwhile (a shutdown, a test's end): its queue waits for the next open's reads.
          if (/PGlite is closed|CONNECTION_ENDED|CONNECTION_DESTROYED/.test(cause)) return;
          console.error(`[tokenwatt] updating the leaderboard's tables failed (the runs stay queued for the next pass): ${cause}`);
        })
        .finally(() => {
          scheduled.delete(db);
          if (arrivedSince.has(db)) scheduleDerive(db, delayMs);
        });
    },
    nextPassDelayMs(lastPassMs.get(db) ?? 0, previousPassMs.get(db), delayMs, performance.now() - (lastPassEnd.get(db) ?? 0)),
  );
  t.unref?.();
  scheduled.set(db, t);
}

/**
 * One of an audience's tables (`leaderboard_*` for the public, `owner_*` for the owner), for a
 * query; for the owner made current first, so the owner reads their own runs at once.
 */
export async function derivedTable(db: Db, audience: "public" | "owner", table: "cells" | "rows" | "sustained" | "facets" | "lanes" | "timeline"): Promise<SQL> {
  if (audience === "owner") {
    await ensureDerived(db);
    return sql.raw(`owner_${table}`);
  }
  return sql.raw(`leaderboard_${table}`);
}
