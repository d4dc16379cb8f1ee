/**
 * Monthly partitions of workload_results (drizzle/0021). `tokenwatt_result_partitions` creates the
 * missing ones up to some months ahead; every open of the database calls it (3 months ahead), a
 * long-running server again every few hours, and an ingest that finds no partition for its rows
 * (a server up for months on a clock that moved on) creates them and tries once more.
 */
import { sql } from "drizzle-orm";
import { rowsOf, type Db } from "./client";

export const PARTITION_MONTHS_AHEAD = 3;
const KEEPER_INTERVAL_MS = 6 * 3600_000;

/** Creates the missing monthly partitions from `from`'s month to `monthsAhead` months after this one; returns how many it made. */
export async function ensureResultPartitions(db: Db, monthsAhead = PARTITION_MONTHS_AHEAD, from: Date = new Date()): Promise<number> {
  const r = await db.execute(sql`select tokenwatt_result_partitions(${from.toISOString()}::timestamptz, ${monthsAhead}::int) as made`);
  return Number(rowsOf<{ made: number }>(r)[0]?.made ?? 0);
}

/** Whether an error is PostgreSQL's "no partition of relation ... found for row". */
export function isMissingPartition(e: unknown): boolean {
  for (let x: unknown = e, depth = 0; x && depth < 4; x = (x as { cause?: unknown }).cause, depth++) {
    const m = (x as { message?: unknown }).message;
    if (typeof m === "string" && /no partition of relation "workload_results" found for row/.test(m)) return true;
  }
  return false;
}

/** Whether an error is PostgreSQL's "deadlock detected" (40P01): the victim's transaction rolled back, and may run again. */
export function isDeadlock(e: unknown): boolean {
  for (let x: unknown = e, depth = 0; x && depth < 4; x = (x as { cause?: unknown }).cause, depth++) {
    if ((x as { code?: unknown }).code === "40P01") return true;
  }
  return false;
}

/**
 * Makes the missing partitions for an ingest that found none. Creating a partition locks the tables
 * its foreign keys name, while concurrent ingests hold those and wait for the new partition: one of
 * them is chosen as a deadlock's victim and rolled back. The creation is tried again (its advisory
 * lock makes the processes take turns); an ingest that was the victim is tried again by its caller.
 */
export async function ensureResultPartitionsForIngest(db: Db): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await ensureResultPartitions(db);
      return;
    } catch (e) {
      if (!isDeadlock(e) || attempt >= 5) throw e;
    }
  }
}

/** Keeps partitions created ahead while the server runs. */
export function startPartitionKeeper(db: () => Promise<Db>): () => void {
  const timer = setInterval(() => {
    db()
      .then((d) => ensureResultPartitions(d))
      .catch((e) => console.error("[tokenwatt] result partitions:", (e as Error).message));
  }, KEEPER_INTERVAL_MS);
  timer.unref();
  return () => clearInterval(timer);
}
