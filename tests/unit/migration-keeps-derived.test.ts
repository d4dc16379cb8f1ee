/**
 * Which migrations keep the leaderboard's maintained tables through a start (lib/server/db/views.ts
 * `migrationKeepsDerived`), judged on the project's own migrations: the ones that only add tables,
 * columns, constraints or indexes keep them; the ones that change columns, move data or run code
 * make them again from every result.
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { migrationKeepsDerived } from "../../lib/server/db/views";

const sqlOf = (prefix: string) => {
  const f = fs.readdirSync("drizzle").find((x) => x.startsWith(`${prefix}_`) && x.endsWith(".sql"))!;
  return fs.readFileSync(path.join("drizzle", f), "utf8");
};

describe("migrationKeepsDerived", () => {
  it("keeps the tables through migrations that only add", () => {
    // An index (0031), an index swapped for another (0032), a column (0033, 0017), columns on submissions (0027), a table with a foreign key (0029), an unlogged table (0019).
    for (const m of ["0031", "0032", "0033", "0017", "0027", "0029", "0019"]) expect(migrationKeepsDerived(sqlOf(m)), m).toBe(true);
  });
  it("makes them again after migrations that change columns, move data or run code", () => {
    // A column made nullable (0006), results moved into partitions (0021), statistics backfilled (0024), a trigger (0028), power rows moved (0030).
    for (const m of ["0006", "0021", "0024", "0028", "0030"]) expect(migrationKeepsDerived(sqlOf(m)), m).toBe(false);
    expect(migrationKeepsDerived('ALTER TABLE "submissions" ADD COLUMN "x" int;--> statement-breakpoint\nUPDATE submissions SET x = 1;')).toBe(false);
    expect(migrationKeepsDerived('ALTER TABLE "workload_results" ALTER COLUMN "median_ts" TYPE real;')).toBe(false);
    expect(migrationKeepsDerived('ALTER TABLE "workload_results" DROP COLUMN "load";')).toBe(false);
    // An ALTER TABLE that adds and also changes or drops: judged by every action.
    expect(migrationKeepsDerived('ALTER TABLE "workload_results" ADD COLUMN "x" int, ALTER COLUMN "backend" TYPE varchar(20);')).toBe(false);
    expect(migrationKeepsDerived('ALTER TABLE "workload_results" ADD COLUMN "x" int, DROP COLUMN "median_ts" CASCADE;')).toBe(false);
    // Two statements in one chunk: each is judged.
    expect(migrationKeepsDerived('CREATE INDEX "a" ON "t" ("x"); DELETE FROM t;')).toBe(false);
  });
  it("reads comment lines and several statements of a chunk", () => {
    expect(migrationKeepsDerived('-- a note\nCREATE INDEX "a" ON "t" ("x");\nCREATE INDEX "b" ON "t" ("y");')).toBe(true);
    // Several additions in one ALTER, commas inside a constraint's parentheses and in a default's quotes.
    expect(migrationKeepsDerived(`ALTER TABLE "devices" ADD COLUMN "a" text DEFAULT 'x, y', ADD COLUMN "b" int, ADD CONSTRAINT "u" UNIQUE ("a", "b");`)).toBe(true);
  });
});
