#!/usr/bin/env node
// `npm start`: builds the app when the build is missing or older than the sources, then serves it
// on PORT (default 3000) with the database from DATABASE_URL or the embedded one: measures this
// machine once on a fresh database (first-run.ts), then runs the server (server.mjs -> server.ts).
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
  const r = spawnSync(process.execPath, [path.join(root, "node_modules/next/dist/bin/next"), "build"], { stdio: "inherit" });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

const { firstRun } = await import("./first-run.ts");
await firstRun();

console.log(`[tokenwatt] serving on http://localhost:${env.PORT}`);
const child = spawn(process.execPath, [path.join(root, "bin/server.mjs")], { stdio: "inherit" });
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => child.kill(sig));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
