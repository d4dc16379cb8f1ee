#!/usr/bin/env node
// `npm start`: builds the app when the build is missing or older than the sources, then serves it
// on PORT (default 3000) with the database from DATABASE_URL or the embedded one (server.mjs ->
// server.ts), and on a fresh database measures this machine once beside it (first-run.mjs).
import { spawnSync, spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { register } from "tsx/esm/api";

register();
process.env.NEXT_TELEMETRY_DISABLED = "1";
const root = path.dirname(path.dirname(new URL(import.meta.url).pathname));
process.chdir(root);

// `npm start -- --lan`: listen on every interface so phones on the LAN can run /run?pair=CODE.
if (process.argv.includes("--lan")) process.env.TOKENWATT_LAN = "1";
const { serverEnv } = await import("../lib/server/env.ts");
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

const buildId = path.join(root, ".next", "BUILD_ID");
// app/ also bundles runners/browser (the /run page measures in the browser).
const sources = ["app", "lib", "runners/browser", "instrumentation.ts", "next.config.ts", "package.json", "drizzle"];
const stale = !fs.existsSync(buildId) || fs.statSync(buildId).mtimeMs < newestMtime(sources);
if (stale) {
  console.log("[tokenwatt] building the app (next build)...");
  const t0 = Date.now();
  const r = spawnSync(process.execPath, [path.join(root, "node_modules/next/dist/bin/next"), "build"], { stdio: "inherit" });
  if (r.status !== 0) process.exit(r.status ?? 1);
  console.log(`[tokenwatt] built in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
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

if (process.env.TOKENWATT_FIRST_RUN !== "0" && (await answers(`http://127.0.0.1:${env.PORT}/api/health`))) {
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
