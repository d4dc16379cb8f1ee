/**
 * Group commit for ingest on PostgreSQL: submissions that arrive while earlier ingest calls are
 * still in the database go together in the next call, one statement and one commit for all of
 * them (`tokenwatt_ingest_many`, lib/server/db/ingest-function.ts).
 *
 * No timer and no added wait: a submission is sent at once while fewer than `maxInFlight` calls
 * are in the database; only the ones that arrive while they all are wait, and they leave together
 * as soon as one call returns. One client at a time therefore sees the single call it saw before;
 * sixteen at once share commits (each commit flushes the WAL and is a round trip).
 *
 * A batch is one transaction: if it fails (a deadlock with another batch, a missing monthly
 * partition, a lost connection), each of its submissions is sent again on its own, so one
 * submission's error is that submission's alone, and what the single call answers (its error
 * included) is what each caller gets. Within a batch, submissions go in the order of their model
 * and id, the order every batch takes the locks it needs (the output check's lock per model, the
 * primary key of a repeated id), so two batches rarely wait on each other in opposite orders.
 * The batched call writes each table once for all its submissions (one INSERT each, not one per
 * submission) and then runs the output checks in that order; a run with a fingerprint is answered
 * with its verdict as the batch stores it (a reference later in the same batch has checked it).
 */
import type { Db } from "../db/client";
import { executePrepared } from "../db/prepared";
import { GroupQueue } from "../db/group-queue";
import { sql } from "drizzle-orm";
import type { Flag } from "../../core/measure/plausibility";
import type { OutputStatus } from "../../core/measure/fingerprint";

/** The four JSON texts of one submission (ingest.ts `ingestCallArgs`), and how many workload rows the second holds. */
export type IngestArgs = [sub: string, workloads: string, readings: string, traces: string, workloadRows: number];

export interface IngestCallResult {
  created: boolean;
  /** The output check's verdict as stored, for a run with a fingerprint. */
  outputStatus?: OutputStatus | null;
  flags?: Flag[];
}

interface Pending {
  args: IngestArgs;
  /** Sorting key: the model (the output check's lock), then the submission id. */
  key: string;
  resolve: (r: IngestCallResult) => void;
  reject: (e: unknown) => void;
}

/**
 * Calls in the database at once (per server process) before arrivals wait to go together. One: at
 * 16 clients, with two in flight 42% of submissions still went alone (a call and a commit each);
 * with one, they wait for the call in the database and share the next. bench-ingest-ab.ts, 1 against
 * 2 (2026-12-06): 632 against 582 and 726 against 594 submissions/s, less CPU a submission on
 * both sides (docs/scale.md, seventh round). Four measured worse than two.
 */
export const INGEST_MAX_IN_FLIGHT = 1;
/** Submissions in one call at most (a batch is one transaction holding its rows' locks until it commits). */
export const INGEST_MAX_BATCH = 32;

export interface BatchStats {
  calls: number;
  submissions: number;
  largest: number;
  fallbacks: number;
}

/** How a batcher reaches the database (tests give fakes). */
export interface IngestCalls {
  one(args: IngestArgs): Promise<IngestCallResult>;
  /** The answers of `tokenwatt_ingest` for each, in order, in one transaction; throws if it rolled back. */
  many(batch: IngestArgs[]): Promise<IngestCallResult[]>;
}

export class IngestBatcher {
  private readonly group: GroupQueue<Pending>;
  readonly stats: BatchStats = { calls: 0, submissions: 0, largest: 0, fallbacks: 0 };

  constructor(
    private readonly calls: IngestCalls,
    maxInFlight = INGEST_MAX_IN_FLIGHT,
    maxBatch = INGEST_MAX_BATCH,
  ) {
    this.group = new GroupQueue<Pending>({ maxInFlight, take: (waiting) => waiting.splice(0, maxBatch), send: (batch) => this.send(batch) });
  }

  submit(args: IngestArgs, sortKey: string): Promise<IngestCallResult> {
    return new Promise((resolve, reject) => this.group.push({ args, key: sortKey, resolve, reject }));
  }

  private async send(batch: Pending[]): Promise<void> {
    this.stats.calls++;
    this.stats.submissions += batch.length;
    this.stats.largest = Math.max(this.stats.largest, batch.length);
    if (batch.length === 1) {
      const [p] = batch as [Pending];
      await this.calls.one(p.args).then(p.resolve, p.reject);
      return;
    }
    batch.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    let results: IngestCallResult[];
    try {
      results = await this.calls.many(batch.map((p) => p.args));
      if (!Array.isArray(results) || results.length !== batch.length) throw new Error(`tokenwatt_ingest_many answered ${Array.isArray(results) ? results.length : "no"} results for ${batch.length} submissions`);
    } catch {
      // The batch's transaction rolled back as a whole: each submission on its own, with its own answer.
      this.stats.fallbacks++;
      await Promise.all(batch.map((p) => this.calls.one(p.args).then(p.resolve, p.reject)));
      return;
    }
    batch.forEach((p, i) => p.resolve(results[i]!));
  }
}

/** One submission, one call of `tokenwatt_ingest` (its own transaction). */
export async function ingestOne(db: Pick<Db, "execute">, args: IngestArgs): Promise<IngestCallResult> {
  const [sub, wr, readings, traces] = args;
  const rows = await executePrepared<{ result: IngestCallResult }>(db, sql`select tokenwatt_ingest(${sub}::jsonb, ${wr}::json, ${readings}::jsonb, ${traces}::jsonb) as result`);
  return rows[0]?.result ?? { created: false };
}

/** Several submissions, one call of `tokenwatt_ingest_many` (one transaction). */
export async function ingestMany(db: Pick<Db, "execute">, batch: IngestArgs[]): Promise<IngestCallResult[]> {
  // The workload rows apart, as json (most of the bytes, parsed faster than jsonb: ingest-function.ts).
  const text = `[${batch.map((a) => `[${a[0]},${a[2]},${a[3]},${a[4]}]`).join(",")}]`;
  const workloads = `[${batch.map((a) => a[1]).join(",")}]`;
  const rows = await executePrepared<{ result: IngestCallResult[] }>(db, sql`select tokenwatt_ingest_many(${text}::jsonb, ${workloads}::json) as result`);
  return rows[0]?.result ?? [];
}

const batchers = new WeakMap<Db, IngestBatcher>();

/** The database's batcher (one per open database in this process). */
export function ingestBatcher(db: Db): IngestBatcher {
  let b = batchers.get(db);
  if (!b) batchers.set(db, (b = new IngestBatcher({ one: (a) => ingestOne(db, a), many: (x) => ingestMany(db, x) })));
  return b;
}
