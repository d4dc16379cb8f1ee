/**
 * Production HTTP server: the Next.js request handler on PORT, in TOKENWATT_WORKERS processes
 * (node:cluster shares the port). The embedded PGlite database belongs to one process, so it runs
 * one worker; with DATABASE_URL the default is one worker per core, since one Node.js process
 * saturates one core under ingest load. Started by `npm start` (bin/start.mjs) through the
 * bin/server.mjs shim, which registers tsx; cluster workers run the same shim again.
 */
import cluster from "node:cluster";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import next from "next";
import { isPublic, listenHost } from "../lib/server/access/mode";
import { publicReadDb, serverDeps } from "../lib/server/context";
import { serverDataDir, serverEnv, type Env } from "../lib/server/env";
import { isServerAction, meterServerAction } from "../lib/server/http/action-budget";
import { applyGate } from "../lib/server/http/gate-node";
import { serveApi } from "../lib/server/http/node";
import { ownerLoginUrls } from "../lib/server/http/owner-access";
import { createPageCache, type PageCache } from "../lib/server/http/page-cache";
import { isApiPath } from "../lib/server/http/routes";
import { announceServer } from "../lib/server/startup";
import { ensureOwnerCredential } from "../lib/server/store/owner-credential";
import { readPublicVersion } from "../lib/server/store/publish";

/** The project root: Next's app directory, and where .next/BUILD_ID is. */
const ROOT = path.dirname(import.meta.dirname);
// Default: one process per core (one saturates a core under ingest load), leaving one core to a
// PostgreSQL on the same machine, and at most 8 (each holds its own connection pool).
const MAX_DEFAULT_WORKERS = 8;

export async function serve(): Promise<void> {
  // A production server, as `next start` runs it; Next's types make NODE_ENV read-only, hence assign.
  Object.assign(process.env, { NEXT_TELEMETRY_DISABLED: "1", NODE_ENV: "production" });
  const env = serverEnv();
  const embedded = !env.DATABASE_URL;
  const workers = env.TOKENWATT_WORKERS ?? (embedded ? 1 : Math.max(1, Math.min(MAX_DEFAULT_WORKERS, os.availableParallelism() - 1)));
  if (embedded && workers > 1) {
    console.error("TOKENWATT_WORKERS > 1 needs DATABASE_URL: the embedded database belongs to one process.");
    process.exit(2);
  }
  if (workers > 1 && cluster.isPrimary) superviseWorkers(workers);
  else await serveHttp(env);
}

/** The cluster's primary: starts the workers, replaces one that dies, stops them all on a signal. */
function superviseWorkers(workers: number): void {
  console.log(`[tokenwatt] ${workers} workers`);
  for (let i = 0; i < workers; i++) cluster.fork();
  let stopping = false;
  cluster.on("exit", (w, code, signal) => {
    if (stopping) return;
    console.error(`[tokenwatt] worker ${w.process.pid} exited (${signal ?? code}); starting another`);
    cluster.fork();
  });
  for (const sig of ["SIGINT", "SIGTERM"] as const) {
    process.on(sig, () => {
      stopping = true;
      for (const w of Object.values(cluster.workers ?? {})) w?.process.kill(sig);
      setTimeout(() => process.exit(0), 3000).unref();
      cluster.disconnect(() => process.exit(0));
    });
  }
}

/** One serving process (the only one, or a cluster worker). */
async function serveHttp(env: Env): Promise<void> {
  const app = next({ dev: false, dir: ROOT, port: env.PORT });
  const handle = app.getRequestHandler();
  await app.prepare();
  const pageCache = publicPageCache(env);
  const deps = await serverDeps();
  const server = http.createServer((req, res) => {
    const pathname = (req.url ?? "/").split("?")[0]!;
    const api = isApiPath(pathname);
    // Security headers, the Host allow-list and (owner mode) the owner's login, before any handler.
    if (!applyGate(req, res, api)) return;
    // The API (every /api path, ingest and agent polls among them) is served by the route table
    // without Next's router: one dispatcher for every transport, and the client's socket address.
    if (api) return void serveApi(req, res, serverDeps);
    // A page's server action is charged its CPU time, per client and process, like a submission.
    if (isServerAction(req) && deps.cpuBudget) return meterServerAction(req, res, { budget: deps.cpuBudget, trustedProxies: env.TOKENWATT_TRUSTED_PROXIES }, () => void handle(req, res));
    if (pageCache) return void pageCache.serve(req, res, handle);
    void handle(req, res);
  });
  server.keepAliveTimeout = 65_000;
  const host = listenHost();
  server.listen(env.PORT, host, () => {
    announceServer(env.PORT);
    if (!cluster.isPrimary) return;
    console.log(`[tokenwatt] listening on http://${host}:${env.PORT} (${host === "0.0.0.0" ? "every interface" : "this machine only; --lan for phones"})`);
    if (isPublic() && env.TOKENWATT_HOSTS.length === 0) {
      console.warn("[tokenwatt] warning: a public server without TOKENWATT_HOSTS answers any Host name (no allow-list): set it to the site's names (docs/configuration.md)");
    }
    if (!isPublic()) {
      const urls = ownerLoginUrls(serverDataDir(), ensureOwnerCredential(serverDataDir()), env.PORT);
      console.log(`[tokenwatt] owner login (keep it private; again with \`npx tokenwatt login-url\`): ${urls.ownHost}`);
      console.log(`[tokenwatt]   a browser that does not open *.localhost names (Safari): ${urls.loopback} (its cookie also reaches other services on 127.0.0.1)`);
    }
  });
  for (const sig of ["SIGINT", "SIGTERM"] as const) process.on(sig, () => server.close(() => process.exit(0)));
}

/** A public server renders each anonymous page once per version of the published data; else null. */
function publicPageCache(env: Env): PageCache | null {
  if (!isPublic() || env.TOKENWATT_PAGE_CACHE_MB <= 0) return null;
  return createPageCache({
    maxBytes: env.TOKENWATT_PAGE_CACHE_MB * 2 ** 20,
    // From where the pages read (the replica, when there is one): versions and pages agree.
    version: async () => readPublicVersion(await publicReadDb()),
    buildId: fs.readFileSync(path.join(ROOT, ".next", "BUILD_ID"), "utf8").trim(),
    cdnMaxAgeS: env.TOKENWATT_CDN_MAX_AGE_S,
  });
}
