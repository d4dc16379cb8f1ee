#!/usr/bin/env node
// `npm start`: builds the app when the build is missing or older than the sources, then serves it
// on PORT (default 3000) with the database from DATABASE_URL or the embedded one (server.mjs ->
// server.ts), and on a fresh database measures this machine once beside it (first-run.mjs).
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { register } from "tsx/esm/api";

register();
process.env.NEXT_TELEMETRY_DISABLED = "1";
const root = path.dirname(path.dirname(new URL(import.meta.url).pathname));
process.chdir(root);

// `npm start -- --lan`: listen on every interface so phones on the LAN can run /run?pair=CODE.
if (process.argv.includes("--lan")) process.env.TOKENWATT_LAN = "1";
const { serverEnv, serverDataDir } = await import("../lib/server/env.ts");
let env;
try {
  env = serverEnv();
} catch (e) {
  console.error(e.message);
  process.exit(2);
}

function newestMtime(dirs) {
  let newest = 0;
  const walk = (p) => {
    let st;
    try {
      st = fs.statSync(p);
    } catch {
      return;
    }
    if (st.isDirectory()) for (const f of fs.readdirSync(p)) walk(path.join(p, f));
    else newest = Math.max(newest, st.mtimeMs);
  };
  dirs.forEach(walk);
  return newest;
}

const dataDir = serverDataDir();
// Before anything creates it: a data directory without a database (a first start).
const freshDb = !env.DATABASE_URL && !fs.existsSync(path.join(dataDir, "pgdata"));

const buildId = path.join(root, ".next", "BUILD_ID");
// app/ also bundles runners/browser (the /run page measures in the browser).
const sources = ["app", "lib", "runners/browser", "instrumentation.ts", "next.config.ts", "package.json", "drizzle"];
const stale = !fs.existsSync(buildId) || fs.statSync(buildId).mtimeMs < newestMtime(sources);
if (stale) {
  console.log("[tokenwatt] building the app (next build)...");
  const t0 = Date.now();
  // Meanwhile the embedded database is created and migrated in a process of its own: PGlite's first
  // creation (initdb in WebAssembly) takes seconds of CPU that need not wait for the build. The
  // server reopens it when both are done.
  const db = env.DATABASE_URL ? null : spawn(process.execPath, [path.join(root, "bin/prepare-db.mjs")], { stdio: "inherit" });
  const dbDone = db ? new Promise((r) => db.on("exit", r)) : null;
  const status = await new Promise((r) => {
    spawn(process.execPath, [path.join(root, "node_modules/next/dist/bin/next"), "build"], { stdio: "inherit" }).on("exit", (code) => r(code));
  });
  if (status !== 0) {
    db?.kill("SIGTERM");
    process.exit(status ?? 1);
  }
  console.log(`[tokenwatt] built in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  await dbDone;
}

// Serve at once; the first measurement of this machine (an empty database) runs beside the server
// in its own process once the server answers, and stores its result through the server's API
// (the embedded database is the server's). Its progress is on the home page.
console.log(`[tokenwatt] starting the server on port ${env.PORT} (it prints the owner's login URL to open)`);
const server = spawn(process.execPath, [path.join(root, "bin/server.mjs")], { stdio: "inherit" });
let firstRun = null;
for (const sig of ["SIGINT", "SIGTERM"]) {
  process.on(sig, () => {
    firstRun?.kill(sig);
    server.kill(sig);
  });
}
server.on("exit", (code, signal) => {
  firstRun?.kill("SIGTERM");
  process.exit(code ?? (signal ? 0 : 1));
});

// A data directory without a database has no results: the first measurement will run, and the
// home page says so from its first answer, before that process has started.
const firstRunOn = process.env.TOKENWATT_FIRST_RUN !== "0";
if (firstRunOn && freshDb) {
  try {
    const { FIRST_RUN_FILE, startedStatus } = await import("../lib/core/contracts/first-run.ts");
    const { runnerEnv } = await import("../runners/env.ts");
    fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    fs.writeFileSync(path.join(dataDir, FIRST_RUN_FILE), JSON.stringify(startedStatus(runnerEnv().TOKENWATT_FIRST_RUN_MODEL, new Date())), { mode: 0o600 });
  } catch (e) {
    console.warn(`[tokenwatt] ${e.message}`);
  }
}
if (firstRunOn && (await answers(`http://127.0.0.1:${env.PORT}/api/health`))) {
  firstRun = spawn(process.execPath, [path.join(root, "bin/first-run.mjs")], { stdio: "inherit" });
  // Whatever happens to the measurement, the server keeps serving.
  firstRun.on("exit", () => (firstRun = null));
}

/** Waits until the server answers `url` (false when it exits first). */
async function answers(url) {
  while (server.exitCode === null && server.signalCode === null) {
    try {
      if ((await fetch(url, { signal: AbortSignal.timeout(2000) })).ok) return true;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return false;
}
