#!/usr/bin/env node
// Production HTTP server: Next.js request handler on PORT, in TOKENWATT_WORKERS processes
// (node:cluster shares the port). The embedded PGlite database belongs to one process, so it runs
// one worker; with DATABASE_URL the default is one worker per core, since one Node.js process
// saturates one core under ingest load.
import cluster from "node:cluster";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import next from "next";
import { register } from "tsx/esm/api";

register();
process.env.NEXT_TELEMETRY_DISABLED = "1";
process.env.NODE_ENV = "production";
const root = path.dirname(path.dirname(new URL(import.meta.url).pathname));
const { serverEnv } = await import("../lib/server/env.ts");
const env = serverEnv();
const embedded = !env.DATABASE_URL;
// Default: one process per core (one saturates a core under ingest load), leaving one core to a
// PostgreSQL on the same machine, and at most 8 (each holds its own connection pool).
const MAX_DEFAULT_WORKERS = 8;
const workers = env.TOKENWATT_WORKERS ?? (embedded ? 1 : Math.max(1, Math.min(MAX_DEFAULT_WORKERS, os.availableParallelism() - 1)));
if (embedded && workers > 1) {
  console.error("TOKENWATT_WORKERS > 1 needs DATABASE_URL: the embedded database belongs to one process.");
  process.exit(2);
}

if (workers > 1 && cluster.isPrimary) {
  console.log(`[tokenwatt] ${workers} workers`);
  for (let i = 0; i < workers; i++) cluster.fork();
  let stopping = false;
  cluster.on("exit", (w, code, signal) => {
    if (stopping) return;
    console.error(`[tokenwatt] worker ${w.process.pid} exited (${signal ?? code}); starting another`);
    cluster.fork();
  });
  for (const sig of ["SIGINT", "SIGTERM"]) {
    process.on(sig, () => {
      stopping = true;
      for (const w of Object.values(cluster.workers ?? {})) w?.process.kill(sig);
      setTimeout(() => process.exit(0), 3000).unref();
      cluster.disconnect(() => process.exit(0));
    });
  }
} else {
  const app = next({ dev: false, dir: root, port: env.PORT });
  const handle = app.getRequestHandler();
  await app.prepare();
  // The API (every /api path, ingest and agent polls among them) is served by the route table
  // without Next's router: one dispatcher for every transport, and the client's socket address.
  const { serveApi } = await import("../lib/server/http/node.ts");
  const { isApiPath } = await import("../lib/server/http/routes.ts");
  const { serverDeps } = await import("../lib/server/context.ts");
  const { announceServer } = await import("../lib/server/startup.ts");
  const { applyGate } = await import("../lib/server/http/gate-node.ts");
  const { serverDataDir } = await import("../lib/server/env.ts");
  const { listenHost, isPublic } = await import("../lib/server/access/mode.ts");
  const { loginCode } = await import("../lib/server/http/owner-access.ts");
  const { ensureOwnerCredential } = await import("../lib/server/store/owner-credential.ts");
  const { createPageCache } = await import("../lib/server/http/page-cache.ts");
  const { readPublicVersion } = await import("../lib/server/store/publish.ts");
  const { publicReadDb } = await import("../lib/server/context.ts");
  // A public server renders each anonymous page once per version of the published data.
  const pageCache =
    isPublic() && env.TOKENWATT_PAGE_CACHE_MB > 0
      ? createPageCache({
          maxBytes: env.TOKENWATT_PAGE_CACHE_MB * 2 ** 20,
          // From where the pages read (the replica, when there is one): versions and pages agree.
          version: async () => readPublicVersion(await publicReadDb()),
          buildId: fs.readFileSync(path.join(root, ".next", "BUILD_ID"), "utf8").trim(),
          cdnMaxAgeS: env.TOKENWATT_CDN_MAX_AGE_S,
        })
      : null;
  const server = http.createServer((req, res) => {
    const pathname = (req.url ?? "/").split("?")[0];
    const api = isApiPath(pathname);
    // Security headers, the Host allow-list and (owner mode) the owner's login, before any handler.
    if (!applyGate(req, res, api)) return;
    if (api) return void serveApi(req, res, serverDeps);
    if (pageCache) return void pageCache.serve(req, res, handle);
    handle(req, res);
  });
  server.keepAliveTimeout = 65_000;
  const host = listenHost();
  server.listen(env.PORT, host, () => {
    announceServer(env.PORT);
    if (!cluster.isPrimary) return;
    console.log(`[tokenwatt] listening on http://${host}:${env.PORT} (${host === "0.0.0.0" ? "every interface" : "this machine only; --lan for phones"})`);
    if (!isPublic()) {
      const code = loginCode(ensureOwnerCredential(serverDataDir()));
      console.log(`[tokenwatt] owner login (keep it private; again with \`npx tokenwatt login-url\`): http://127.0.0.1:${env.PORT}/login?code=${code}`);
    }
  });
  for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => server.close(() => process.exit(0)));
}
