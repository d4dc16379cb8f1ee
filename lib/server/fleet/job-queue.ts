/**
 * The connection the agents' jobs run on (lib/server/fleet/jobs.ts): positional-parameter SQL and
 * transactions on the same database as everything else. The server owns it; agents never connect
 * to Postgres, they ask the server over HTTP.
 * - PostgreSQL: a node-postgres (`pg`) pool of its own, so that job transactions never wait for
 *   the pages' connections.
 * - Embedded PGlite: the PGlite instance itself, in process (no socket: pglite-socket multiplexes
 *   every client into PGlite's one session, so a transaction held over the socket would take in
 *   the server's own statements).
 * Until this version pg-boss 10 carried the jobs with one queue per agent (one partition of its
 * job table each): docs/scale.md says why the jobs table replaced it.
 */
import type { DbHandle } from "../db/client";

/** Positional `$n` parameters; no parameters may mean several statements. */
export interface SqlExecutor {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- rows of any query
  executeSql(text: string, values?: unknown[]): Promise<{ rows: any[] }>;
}

export interface JobQueue {
  /** Statements outside a transaction. */
  exec: SqlExecutor;
  /** Runs `fn` in one transaction. */
  tx<T>(fn: (exec: SqlExecutor) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface JobQueueOptions {
  /** node-postgres pool size (PostgreSQL only). */
  maxConnections?: number;
}

const nulls = (values: unknown[]) => values.map((v) => (v === undefined ? null : v));

type PgliteLike = {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- rows of any query
  query(text: string, values?: unknown[]): Promise<{ rows: any[] }>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- rows of any query
  exec(text: string): Promise<{ rows: any[] }[]>;
};

function pgliteExecutor(c: PgliteLike): SqlExecutor {
  return {
    async executeSql(text, values) {
      if (values && values.length) return c.query(text, nulls(values));
      const results = await c.exec(text);
      return results[results.length - 1] ?? { rows: [] };
    },
  };
}

export async function openJobQueue(h: DbHandle, opts: JobQueueOptions = {}): Promise<JobQueue> {
  let exec: SqlExecutor;
  let tx: JobQueue["tx"];
  let end: () => Promise<void>;
  if (h.kind === "pglite") {
    const pglite = h.pglite!;
    exec = pgliteExecutor(pglite as unknown as PgliteLike);
    tx = (fn) => pglite.transaction((t) => fn(pgliteExecutor(t as unknown as PgliteLike)));
    end = async () => {};
  } else {
    const { default: pg } = await import("pg");
    const pool = new pg.Pool({ connectionString: h.url, max: opts.maxConnections ?? 10, application_name: "tokenwatt-queue" });
    pool.on("error", (e) => console.error("[tokenwatt] job queue connection error:", e.message));
    exec = { executeSql: (text, values) => pool.query(text, values ? nulls(values) : undefined) };
    tx = async (fn) => {
      const client = await pool.connect();
      // A checked-out client whose connection dies between queries (PostgreSQL restarted, the
      // database dropped) emits 'error' on itself: without a listener that would end the process.
      let broken: Error | undefined;
      const onError = (e: Error) => {
        broken = e;
        console.error("[tokenwatt] job queue connection lost in a transaction:", e.message);
      };
      client.on("error", onError);
      try {
        await client.query("BEGIN");
        const r = await fn({ executeSql: (text, values) => client.query(text, values ? nulls(values) : undefined) });
        await client.query("COMMIT");
        return r;
      } catch (e) {
        await client.query("ROLLBACK").catch(() => {});
        throw e;
      } finally {
        client.off("error", onError);
        client.release(broken);
      }
    };
    end = () => pool.end();
  }
  return { exec, tx, close: end };
}

const globalForQueue = globalThis as unknown as { __tokenwattJobQueue?: Promise<JobQueue> };

/** The process-wide queue on the process-wide database (cached on globalThis like getDb). */
export function getJobQueue(handle: Promise<DbHandle>): Promise<JobQueue> {
  if (!globalForQueue.__tokenwattJobQueue) {
    globalForQueue.__tokenwattJobQueue = handle.then((h) => openJobQueue(h)).catch((e) => {
      globalForQueue.__tokenwattJobQueue = undefined;
      throw e;
    });
  }
  return globalForQueue.__tokenwattJobQueue;
}
