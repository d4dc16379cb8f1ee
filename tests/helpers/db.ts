/**
 * Test databases: a fresh in-memory PGlite, or a fresh database on the real PostgreSQL
 * (harness/postgres.ts), dropped afterwards.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll } from "vitest";
import { createPostgresDatabase } from "../../harness/postgres";
import { pgliteTemplateTarball } from "../../harness/db-template";
import { MIGRATIONS_DIR, openDb, type DbHandle } from "../../lib/server/db/client";

export const DB_KINDS = ["pglite", "postgres"] as const;
export type DbKind = (typeof DB_KINDS)[number];

export interface TestDb extends DbHandle {
  drop(): Promise<void>;
}

export async function openTestDb(kind: DbKind): Promise<TestDb> {
  if (kind === "pglite") {
    // From a migrated copy (harness/db-template.ts): the same database as initdb and every migration, in a third of the time.
    const h = await openDb({ databaseUrl: null, dataDir: ":memory:", loadDataDir: await pgliteTemplateTarball() });
    return { ...h, drop: () => h.close() };
  }
  const { url, drop } = await createPostgresDatabase();
  const h = await openDb({ databaseUrl: url, maxConnections: 25 });
  return {
    ...h,
    drop: async () => {
      await h.close();
      await drop();
    },
  };
}

/**
 * A fresh database of this kind for the tests of the enclosing describe block: opened in a beforeAll
 * (registered first, so later beforeAll hooks can seed it), dropped in an afterAll. The handle forwards
 * to the open database, so tests write `h.db` as with openTestDb; touching it outside a hook or test throws.
 */
export function withTestDb(kind: DbKind): TestDb {
  let open: TestDb | undefined;
  beforeAll(async () => {
    open = await openTestDb(kind);
  });
  afterAll(async () => open?.drop());
  const get = (): TestDb => {
    if (!open) throw new Error("the test database is opened in beforeAll: use it in a hook or a test");
    return open;
  };
  return {
    get db() {
      return get().db;
    },
    get kind() {
      return get().kind;
    },
    get location() {
      return get().location;
    },
    get pglite() {
      return get().pglite;
    },
    get url() {
      return get().url;
    },
    close: () => get().close(),
    drop: () => get().drop(),
  };
}

/** A migrations folder holding the migrations up to `last` (inclusive), with its journal cut there; remove it when done. */
export function migrationsUpTo(last: number): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tw-migrations-"));
  fs.mkdirSync(path.join(dir, "meta"));
  const journal = JSON.parse(fs.readFileSync(path.join(MIGRATIONS_DIR, "meta", "_journal.json"), "utf8"));
  journal.entries = journal.entries.filter((e: { idx: number }) => e.idx <= last);
  for (const e of journal.entries) fs.copyFileSync(path.join(MIGRATIONS_DIR, `${e.tag}.sql`), path.join(dir, `${e.tag}.sql`));
  fs.writeFileSync(path.join(dir, "meta", "_journal.json"), JSON.stringify(journal));
  return dir;
}

/** A database with no migrations applied (for upgrade tests), and how to drop it. */
export async function openUnmigrated(kind: DbKind): Promise<{ h: DbHandle; drop: () => Promise<void> }> {
  if (kind === "pglite") {
    const h = await openDb({ databaseUrl: null, dataDir: ":memory:", migrate: false });
    return { h, drop: () => h.close() };
  }
  const d = await createPostgresDatabase();
  const h = await openDb({ databaseUrl: d.url, migrate: false });
  return { h, drop: async () => (await h.close(), await d.drop()) };
}

/** Applies drizzle-kit's migrations of `dir` only (none of what migrate() re-applies after them): the schema as an older version left it. */
export async function applyMigrationsOnly(h: DbHandle, kind: DbKind, dir: string): Promise<void> {
  const { migrate: run } = kind === "pglite" ? await import("drizzle-orm/pglite/migrator") : await import("drizzle-orm/postgres-js/migrator");
  await run(h.db as any, { migrationsFolder: dir });
}

/**
 * For a database left at an earlier migration (openUnmigrated, applyMigrationsOnly): one device, model and
 * engine (each id 1), written with the columns every migration since has kept.
 */
export async function insertOldCatalog(h: DbHandle): Promise<void> {
  await h.db.execute(sql`insert into devices (fingerprint, vendor, model, device_class, os_platform, os_release, cpu_model, cpu_cores, cpu_threads, ram_bytes, gpus, published) values ('old', 'Old', 'Old Device', 'laptop', 'linux', '6.1', 'Old CPU', 4, 8, 8000000000, '[]', true)`);
  await h.db.execute(sql`insert into models (key, name, family, parameter_count, quantization, file_bytes, weights) values ('old', 'Old-Model', 'old', 1000000000, 'Q4_0', 600000000, 'synthetic')`);
  await h.db.execute(sql`insert into engines (key, name, version, build) values ('old', 'llama.cpp', 'b1', 'x')`);
}

/** A published, plausible submission `id` of insertOldCatalog's device, model and engine, as an older ingest wrote it. */
export async function insertOldSubmission(h: DbHandle, id: string): Promise<void> {
  await h.db.execute(sql`insert into submissions (id, schema_version, suite_version, device_id, model_id, engine_id, backend, runner_name, runner_version, options, device_snapshot, started_at, finished_at, plausible, published)
    values (${id}, 1, '1', 1, 1, 1, 'cpu', 'old', '0', '{}', '{}', now(), now(), true, true)`);
}
