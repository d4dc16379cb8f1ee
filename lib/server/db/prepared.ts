/**
 * Statements the server runs on every request (the ingest call, the rate limiter's take), prepared.
 * drizzle's `db.execute` sends a statement unnamed, and postgres.js then asks the server for the
 * parameter types before it can send the values: two round trips a call (Parse/Describe, then
 * Bind/Execute), with a parse and a plan each time. Prepared (postgres.js names the statement once per
 * connection and keeps its types), a call is one round trip and is planned once per connection. The
 * server's own statements are few and fixed, so the per-connection statement cache stays small.
 *
 * On PGlite (in process: no round trips) and inside a transaction (a drizzle transaction has no
 * client of its own to prepare on), `execute` as before: the same SQL, the same rows.
 */
import type { SQL } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";
import { rowsOf, type Db } from "./client";

const dialect = new PgDialect();

/** postgres.js' `unsafe`, as far as this module uses it. */
type Unsafe = (text: string, params: unknown[], opts: { prepare: boolean }) => Promise<unknown[]>;

function postgresClient(db: Pick<Db, "execute">): { unsafe: Unsafe } | null {
  const client = (db as { $client?: { unsafe?: unknown } }).$client;
  return client && typeof client.unsafe === "function" ? (client as { unsafe: Unsafe }) : null;
}

/** Runs `query` as a prepared statement where the database is PostgreSQL and `db` is not a transaction; returns its rows. */
export async function executePrepared<T>(db: Pick<Db, "execute">, query: SQL): Promise<T[]> {
  const client = postgresClient(db);
  if (!client) return rowsOf<T>(await db.execute(query));
  const { sql: text, params } = dialect.sqlToQuery(query);
  return [...(await client.unsafe(text, params, { prepare: true }))] as T[];
}
