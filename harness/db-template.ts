/**
 * Migrated embedded databases to start tests from. A new PGlite runs initdb in WebAssembly and then
 * every migration, the ingest function and the leaderboard's tables: 3-5 s of CPU on this machine,
 * paid by each integration test's database and each end-to-end server. A copy of one migrated
 * database starts in about 1 s (in memory, from a tarball) or at once (a data directory copied).
 *
 * Both are made once per set of migrations and kept-as-code SQL (the key hashes drizzle/, the ingest
 * function, the leaderboard's SQL and PGlite's version) and kept in the system's temporary folder,
 * shared by test files and workers: written under a temporary name and renamed, so a reader never
 * sees half of one. Opening a copy still runs `migrate()` (nothing pending: the code-kept SQL is
 * applied again), as a server restarting on its data directory does. Tests of migrations themselves
 * open unmigrated databases (tests/helpers/db.ts `openUnmigrated`, `migrationsUpTo`), and a server
 * measuring its first run starts empty (harness/server.ts).
 */
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { MIGRATIONS_DIR, openDb } from "../lib/server/db/client";
import { INGEST_FUNCTION_SQL } from "../lib/server/db/ingest-function";
import { VIEWS_HASH } from "../lib/server/db/views";

const DIR = path.join(os.tmpdir(), "tokenwatt-db-templates");

/** Every file under a folder, by relative path, in a stable order. */
function filesUnder(dir: string, rel = ""): string[] {
  return fs
    .readdirSync(path.join(dir, rel), { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? filesUnder(dir, path.join(rel, e.name)) : [path.join(rel, e.name)]))
    .sort();
}

/** What a migrated database depends on: the migrations, the SQL kept as code, PGlite's version. */
export function templateKey(): string {
  const h = createHash("sha256");
  for (const f of filesUnder(MIGRATIONS_DIR)) h.update(f).update("\0").update(fs.readFileSync(path.join(MIGRATIONS_DIR, f))).update("\0");
  h.update(INGEST_FUNCTION_SQL).update(VIEWS_HASH);
  h.update(fs.readFileSync(path.resolve("node_modules/@electric-sql/pglite/package.json")));
  return h.digest("hex").slice(0, 16);
}

/** Templates of other keys (older migrations, another checkout) left more than a day: removed. */
function pruneOthers(key: string): void {
  for (const name of fs.readdirSync(DIR)) {
    if (name.includes(key)) continue;
    const p = path.join(DIR, name);
    try {
      if (Date.now() - fs.statSync(p).mtimeMs > 86_400_000) fs.rmSync(p, { recursive: true, force: true });
    } catch {
      /* another process removed it */
    }
  }
}

/** Makes `target` with `make(tmp)` under a temporary name, then renames it; a concurrent maker's copy wins as well. */
async function made(target: string, key: string, make: (tmp: string) => Promise<void>): Promise<string> {
  if (fs.existsSync(target)) return target;
  fs.mkdirSync(DIR, { recursive: true });
  const tmp = `${target}.${process.pid}.${Date.now()}.tmp`;
  try {
    await make(tmp);
    try {
      fs.renameSync(tmp, target);
    } catch (e) {
      // Another process made it first (a directory cannot replace a non-empty one): theirs is the same.
      if (!fs.existsSync(target)) throw e;
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  pruneOthers(key);
  return target;
}

/** A migrated in-memory PGlite as a tarball (`dumpDataDir`), for `openDb({ loadDataDir })`. */
export async function pgliteTemplateTarball(): Promise<Blob> {
  const key = templateKey();
  const file = await made(path.join(DIR, `pglite-tar-${key}.tar`), key, async (tmp) => {
    const h = await openDb({ databaseUrl: null, dataDir: ":memory:" });
    try {
      const dump = await h.pglite!.dumpDataDir("none");
      fs.writeFileSync(tmp, Buffer.from(await dump.arrayBuffer()));
    } finally {
      await h.close();
    }
  });
  return new Blob([fs.readFileSync(file)]);
}

/** A migrated PGlite data directory (closed), to copy to `<data dir>/pgdata` before a server starts. */
export async function pgliteTemplateDataDir(): Promise<string> {
  const key = templateKey();
  const dir = await made(path.join(DIR, `pglite-dir-${key}`), key, async (tmp) => {
    const h = await openDb({ databaseUrl: null, dataDir: tmp });
    await h.close();
    fs.rmSync(path.join(tmp, "pglite.lock"), { force: true });
  });
  return path.join(dir, "pgdata");
}
