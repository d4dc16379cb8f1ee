#!/usr/bin/env node
// Opens the embedded database once and applies the migrations, then lets it go: `npm start` runs
// this beside `next build` on a machine whose build is stale (a fresh `npm ci`), so the database's
// first creation (PGlite's initdb, seconds) overlaps the build instead of following it. The server
// opens it again when the build is done (a reopen is fast). A failure here is not fatal: the server
// opens the database itself and says what is wrong.
import { register } from "tsx/esm/api";

register();
const { openDb } = await import("../lib/server/db/client.ts");
try {
  const t0 = Date.now();
  const h = await openDb();
  await h.close();
  console.log(`[tokenwatt] database ready (${h.location}, migrations applied) in ${((Date.now() - t0) / 1000).toFixed(0)} s, during the build`);
} catch (e) {
  console.log(`[tokenwatt] the database is opened by the server instead (${e.message})`);
}
