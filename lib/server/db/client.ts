/**
 * Database client: PostgreSQL through postgres.js when DATABASE_URL is set, otherwise the
 * embedded PGlite (real Postgres in WASM) in a file-backed directory, TOKENWATT_DATA_DIR
 * (default ./.tokenwatt). Same schema, same drizzle-kit migrations, same code above the driver.
 * Migrations are applied when a database is opened.
 */
import path from "node:path";
import fs from "node:fs";
import type { PGlite } from "@electric-sql/pglite";
import type { PgDatabase } from "drizzle-orm/pg-core";
import * as schema from "./schema";
import { serverDataDir, serverEnv } from "../env";
import { INGEST_FUNCTION_SQL } from "./ingest-function";
import { applyViews, dropViewsBeforeMigrations, type RunSql } from "./views";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- one type for both drivers: their query-result HKTs differ
export type Db = PgDatabase<any, typeof schema>;

export interface DbHandle {
  db: Db;
  kind: "pglite" | "postgres";
  /** Where the data lives: a directory for PGlite, the URL without password for Postgres. */
  location: string;
  close(): Promise<void>;
  /** The PGlite instance (embedded database only): the job connection runs its SQL through it. */
  pglite?: PGlite;
  /** The connection URL (Postgres only). */
  url?: string;
}

export interface OpenOptions {
  databaseUrl?: string | null;
  dataDir?: string;
  /** postgres.js pool size. */
  maxConnections?: number;
  migrate?: boolean;
  /** Where drizzle-kit's migrations are (default: ./drizzle of the working directory). */
  migrationsDir?: string;
  /**
   * An in-memory PGlite only (`dataDir` ":memory:"): start from this data directory (a tarball of
   * PGlite's `dumpDataDir`) instead of an empty one. The tests start from a migrated one (about 1 s
   * instead of 3-5 s of initdb and migrations: tests/helpers/db.ts); migrations still run after it.
   */
  loadDataDir?: Blob;
}

/** Key of the session advisory lock that serializes migrations across processes (any constant unique to Tokenwatt). */
const MIGRATION_LOCK_KEY = 727274;

/** drizzle-kit's migrations; the server runs from the project folder, a CLI passes `migrationsDir`. */
export const MIGRATIONS_DIR = path.join(/* turbopackIgnore: true */ process.cwd(), "drizzle");

function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "(unparseable DATABASE_URL)";
  }
}

/** Opens (and migrates) the database described by the options or the environment. */
export async function openDb(opts: OpenOptions = {}): Promise<DbHandle> {
  const url = opts.databaseUrl === undefined ? (serverEnv().DATABASE_URL ?? null) : opts.databaseUrl;
  const handle = url ? await openPostgres(url, opts.maxConnections ?? 10) : await openPglite(opts.dataDir ?? serverDataDir(), opts.loadDataDir);
  if (opts.migrate !== false) {
    try {
      await migrate(handle, opts.migrationsDir);
    } catch (e) {
      await handle.close();
      throw e;
    }
  }
  return handle;
}

async function openPostgres(url: string, max: number): Promise<DbHandle> {
  const { default: postgres } = await import("postgres");
  const { drizzle } = await import("drizzle-orm/postgres-js");
  const client = postgres(url, { max, onnotice: () => {}, connect_timeout: 10 });
  const db = drizzle(client, { schema });
  return { db, kind: "postgres", location: redact(url), url, close: () => client.end({ timeout: 5 }) };
}

export class DatabaseBusyError extends Error {
  constructor(readonly pid: number) {
    super(`the embedded database is in use by process ${pid}`);
    this.name = "DatabaseBusyError";
  }
}

/** Whether a process exists (EPERM: it exists but belongs to another user). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * One PGlite data directory belongs to one process: a lock file with the owner's pid, created
 * exclusively; a lock left by a dead process is taken over.
 */
function lockDataDir(dataDir: string): () => void {
  const lock = path.join(dataDir, "pglite.lock");
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(lock, String(process.pid), { flag: "wx" });
      const release = () => {
        try {
          if (fs.readFileSync(lock, "utf8") === String(process.pid)) fs.unlinkSync(lock);
        } catch {
          /* gone */
        }
      };
      process.once("exit", release);
      return release;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      const owner = Number(fs.readFileSync(lock, "utf8"));
      if (owner === process.pid) throw new DatabaseBusyError(owner);
      if (Number.isInteger(owner) && owner > 0 && pidAlive(owner)) throw new DatabaseBusyError(owner);
      fs.rmSync(lock, { force: true }); // stale
    }
  }
  throw new Error(`could not lock ${dataDir}`);
}

/** `dataDir` ":memory:" gives a throwaway in-memory database (tests), empty or loaded from `loadDataDir`. */
async function openPglite(dataDir: string, loadDataDir?: Blob): Promise<DbHandle> {
  if (loadDataDir && dataDir !== ":memory:") throw new Error("loadDataDir is for an in-memory database only");
  const { PGlite } = await import("@electric-sql/pglite");
  const { drizzle } = await import("drizzle-orm/pglite");
  let release = () => {};
  if (dataDir !== ":memory:") {
    // The data directory is its owner's alone: PGlite writes some files 0666.
    fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    fs.chmodSync(dataDir, 0o700);
    release = lockDataDir(dataDir);
  }
  let client: PGlite;
  try {
    client = dataDir === ":memory:" ? await PGlite.create(loadDataDir ? { loadDataDir } : undefined) : await PGlite.create(path.join(dataDir, "pgdata"));
  } catch (e) {
    release();
    throw e;
  }
  const db = drizzle(client, { schema });
  return {
    db,
    kind: "pglite",
    location: dataDir,
    pglite: client,
    close: async () => {
      await client.close();
      release();
    },
  };
}

/**
 * Applies drizzle-kit migrations, then re-applies what is kept as code: the ingest function
 * (ingest-function.ts) and the leaderboard views (views.ts, only where their SQL changed); on
 * Postgres under an advisory lock so that processes starting together do not race.
 */
export async function migrate(h: DbHandle, migrationsDir = MIGRATIONS_DIR): Promise<void> {
  const config = { migrationsFolder: migrationsDir };
  if (h.kind === "pglite") {
    const { migrate: run } = await import("drizzle-orm/pglite/migrator");
    const exec: RunSql = async (text) => {
      const results = await h.pglite!.exec(text);
      return (results.at(-1)?.rows ?? []) as Record<string, unknown>[];
    };
    await dropViewsBeforeMigrations(exec, await pendingMigrations(exec, migrationsDir));
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the PGlite migrator wants its own driver type; h.db is that driver here
    await run(h.db as any, config);
    await exec(INGEST_FUNCTION_SQL);
    await applyViews(exec);
    await exec(PARTITIONS_AHEAD_SQL);
    return;
  }
  // One dedicated connection holds a session advisory lock around the migration.
  const { default: postgres } = await import("postgres");
  const { drizzle } = await import("drizzle-orm/postgres-js");
  const { migrate: run } = await import("drizzle-orm/postgres-js/migrator");
  const client = postgres(h.url!, { max: 1, onnotice: () => {}, connect_timeout: 10 });
  const exec: RunSql = async (text) => [...(await client.unsafe(text))] as Record<string, unknown>[];
  try {
    await client`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`;
    await dropViewsBeforeMigrations(exec, await pendingMigrations(exec, migrationsDir));
    await run(drizzle(client), config);
    await exec(INGEST_FUNCTION_SQL);
    await applyViews(exec);
    await exec(PARTITIONS_AHEAD_SQL);
    await client`select pg_advisory_unlock(${MIGRATION_LOCK_KEY})`;
  } finally {
    await client.end({ timeout: 5 });
  }
}

/**
 * The SQL of the migrations this database has not applied yet, in order, by drizzle's own rule (its
 * migrator applies the journal's entries dated after the newest one recorded); null for a database
 * without any (a new one).
 */
async function pendingMigrations(exec: RunSql, migrationsDir: string): Promise<string[] | null> {
  const journal = JSON.parse(fs.readFileSync(path.join(migrationsDir, "meta", "_journal.json"), "utf8")) as { entries: { tag: string; when: number }[] };
  const exists = await exec("SELECT to_regclass('drizzle.__drizzle_migrations') IS NOT NULL AS ok");
  if (exists[0]?.ok !== true) return null;
  const newest = await exec("SELECT max(created_at)::text AS at FROM drizzle.__drizzle_migrations");
  const at = newest[0]?.at == null ? null : Number(newest[0].at);
  return journal.entries.filter((e) => at === null || e.when > at).map((e) => fs.readFileSync(path.join(migrationsDir, `${e.tag}.sql`), "utf8"));
}

/** Monthly partitions of workload_results up to 3 months ahead (lib/server/db/partitions.ts), at every open. */
const PARTITIONS_AHEAD_SQL = "select tokenwatt_result_partitions(now(), 3)";

/** Normalizes `db.execute` results: postgres.js returns an array, PGlite `{ rows }`. */
export function rowsOf<T>(result: unknown): T[] {
  if (Array.isArray(result)) return result as T[];
  return ((result as { rows?: T[] }).rows ?? []) as T[];
}

const globalForDb = globalThis as unknown as { __tokenwattDb?: Promise<DbHandle>; __tokenwattReadDb?: Promise<DbHandle> };

/**
 * The read replica (DATABASE_REPLICA_URL), opened once and never migrated (a replica follows its
 * primary's schema); the primary when no replica is configured.
 */
export function getReadDb(): Promise<DbHandle> {
  const url = serverEnv().DATABASE_REPLICA_URL;
  if (!url) return getDb();
  if (!globalForDb.__tokenwattReadDb) {
    globalForDb.__tokenwattReadDb = openDb({ databaseUrl: url, migrate: false }).catch((e) => {
      globalForDb.__tokenwattReadDb = undefined;
      throw e;
    });
  }
  return globalForDb.__tokenwattReadDb;
}

/** The process-wide database, opened once (cached on globalThis so dev reloads do not reconnect). */
export function getDb(): Promise<DbHandle> {
  if (!globalForDb.__tokenwattDb) {
    globalForDb.__tokenwattDb = openDb().catch((e) => {
      globalForDb.__tokenwattDb = undefined;
      throw e;
    });
  }
  return globalForDb.__tokenwattDb;
}
