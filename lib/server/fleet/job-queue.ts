/**
 * The connection the agents' jobs run on (lib/server/fleet/jobs.ts): positional-parameter SQL and
 * transactions on the same database as everything else. The server owns it; agents never connect
 * to Postgres, they ask the server over HTTP.
 * - PostgreSQL: a postgres.js client of its own (the driver everything else uses), so that job
 *   transactions never wait for the pages' connections.
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
  /** Connections of the queue's own client (PostgreSQL only). */
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
    // postgres.js, the project's one driver, in a client of its own (its own connections), so job
    // transactions never wait for the pages' connections. Without parameters a statement may be
    // several (the simple protocol); with them, one prepared statement.
    const { default: postgres } = await import("postgres");
    const client = postgres(h.url!, { max: opts.maxConnections ?? 10, onnotice: () => {}, connect_timeout: 10, connection: { application_name: "tokenwatt-queue" } });
    const run = async (c: Pick<typeof client, "unsafe">, text: string, values?: unknown[]) => {
      const rows = values && values.length ? await c.unsafe(text, nulls(values) as never[], { prepare: true }) : await c.unsafe(text).simple();
      // A simple query of several statements answers each one's rows: the last statement's, as pg did.
      const last = Array.isArray(rows[0]) && !values?.length ? (rows[rows.length - 1] as unknown as unknown[]) : rows;
      return { rows: [...last] };
    };
    exec = { executeSql: (text, values) => run(client, text, values) };
    tx = async (fn) => (await client.begin((t) => fn({ executeSql: (text, values) => run(t, text, values) }))) as Awaited<ReturnType<typeof fn>>;
    end = () => client.end({ timeout: 5 });
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
