/**
 * What one upload costs the database connection (docs/scale.md, "Ingest"): on PostgreSQL a
 * submission of known device, model and engine is two statements (the token with its take from the
 * shared rate limit, then the ingest call), each a prepared statement, so one round trip each.
 * Before, the token and the rate limit were two statements, and earlier the rate limit and the
 * ingest call were sent unnamed, so postgres.js asked for their parameter types first (two round
 * trips each). The statements are counted with postgres.js' debug hook on a pool of one
 * connection, whose prepared statements pg_prepared_statements lists.
 */
import { drizzle } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as schema from "../../lib/server/db/schema";
import type { Db } from "../../lib/server/db/client";
import { createSharedRateLimiter } from "../../lib/server/http/rate-limit";
import { dispatch } from "../../lib/server/http/routes";
import { createToken } from "../../lib/server/store/tokens";
import { apiDeps } from "../../harness/api";
import { makeSubmission } from "../../harness/fixtures";
import { openTestDb, type TestDb } from "../helpers/db";

describe("statements per upload on postgres", () => {
  let h: TestDb;
  let client: postgres.Sql;
  let db: Db;
  const statements: string[] = [];

  beforeAll(async () => {
    h = await openTestDb("postgres");
    client = postgres(h.url!, { max: 1, onnotice: () => {}, debug: (_connection, query) => void statements.push(query) });
    db = drizzle(client, { schema }) as unknown as Db;
  });
  afterAll(async () => {
    await client?.end();
    await h?.drop();
  });

  it("is two statements a submission, each prepared once per connection", async () => {
    const token = await createToken(h.db, "statements");
    const deps = { ...apiDeps(db), limiter: createSharedRateLimiter(db, 1e6, 1e6) };
    const post = async () => {
      const r = await dispatch(
        new Request("http://test/api/v1/submissions", {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
          body: JSON.stringify(makeSubmission({ workloads: 10 })),
        }),
        deps,
        { clientIp: null },
      );
      expect(r.status).toBe(201);
    };
    // The first upload registers the device, model and engine (a transaction of its own) and marks the token used.
    await post();
    statements.length = 0;
    for (let i = 0; i < 5; i++) await post();
    // The leaderboard's tables are made again in a debounced pass of its own (lib/server/store/derived.ts), not in an upload.
    const kinds = statements
      .filter((q) => !/tokenwatt_derive_pending/.test(q))
      .map((q) =>
        /runner_tokens/.test(q) && /rate_buckets/.test(q) ? "token and rate limit" : /runner_tokens/.test(q) ? "token" : /rate_buckets/.test(q) ? "rate limit" : /tokenwatt_ingest/.test(q) ? "ingest" : q.slice(0, 80),
      );
    expect(kinds).toEqual(Array.from({ length: 5 }, () => ["token and rate limit", "ingest"]).flat());
    // Prepared on this (the pool's one) connection: later calls send only Bind and Execute.
    const prepared = (await client`select statement from pg_prepared_statements`).map((r) => String(r.statement));
    for (const what of [/runner_tokens[\s\S]*rate_buckets/, /tokenwatt_ingest/]) expect(prepared.some((s) => what.test(s)), String(what)).toBe(true);
  });
});
