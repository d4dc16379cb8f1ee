/**
 * Test databases: a fresh in-memory PGlite, or a fresh database on the real PostgreSQL
 * (TEST_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test), dropped afterwards.
 */
import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { openDb, type DbHandle } from "../../lib/server/db/client";

export const ADMIN_URL = process.env.TEST_DATABASE_URL || "postgres://postgres@127.0.0.1:5432/test";
export const DB_KINDS = ["pglite", "postgres"] as const;
export type DbKind = (typeof DB_KINDS)[number];

export interface TestDb extends DbHandle {
  drop(): Promise<void>;
}

/** Creates an empty database on the real server and returns its URL and a drop function. */
export async function createPostgresDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `tw_test_${process.pid}_${randomBytes(4).toString("hex")}`;
  const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  const u = new URL(ADMIN_URL);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    drop: async () => {
      const a = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
      await a.unsafe(`drop database if exists ${name} with (force)`);
      await a.end();
    },
  };
}

export async function openTestDb(kind: DbKind): Promise<TestDb> {
  if (kind === "pglite") {
    const h = await openDb({ databaseUrl: null, dataDir: ":memory:" });
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
