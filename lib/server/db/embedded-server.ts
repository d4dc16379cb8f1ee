/**
 * One PGlite data directory belongs to one process. While the server holds the embedded database
 * it serves it over the Postgres protocol on loopback and writes `server.json` in the data
 * directory; the CLI then talks to it through postgres.js instead of opening the files itself.
 */
import fs from "node:fs";
import path from "node:path";
import { DatabaseBusyError, openDb, pidAlive, type DbHandle, type OpenOptions, defaultDataDir } from "./client";

interface ServerInfo {
  pid: number;
  port: number;
}

function infoPath(dataDir: string) {
  return path.join(dataDir, "server.json");
}

/** Serves an open PGlite handle on 127.0.0.1 (a free port) and records it for the CLI. */
export async function serveEmbedded(h: DbHandle): Promise<() => Promise<void>> {
  if (!h.pglite) throw new Error("serveEmbedded needs the embedded database");
  const { PGLiteSocketServer } = await import("@electric-sql/pglite-socket");
  const net = await import("node:net");
  const port = await new Promise<number>((resolve, reject) => {
    const s = net.createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
  const server = new PGLiteSocketServer({ db: h.pglite, host: "127.0.0.1", port, maxConnections: 8 });
  await server.start();
  const file = infoPath(h.location);
  const info: ServerInfo = { pid: process.pid, port };
  fs.writeFileSync(file, JSON.stringify(info));
  const cleanup = () => {
    try {
      const cur = JSON.parse(fs.readFileSync(file, "utf8")) as ServerInfo;
      if (cur.pid === process.pid) fs.unlinkSync(file);
    } catch {
      /* already gone */
    }
  };
  process.once("exit", cleanup);
  return async () => {
    cleanup();
    await server.stop();
  };
}

/** The URL of a running server's embedded database, or null when no live server holds it. */
export function runningEmbeddedUrl(dataDir = defaultDataDir()): string | null {
  try {
    const info = JSON.parse(fs.readFileSync(infoPath(dataDir), "utf8")) as ServerInfo;
    if (info.pid !== process.pid && pidAlive(info.pid)) return `postgres://postgres@127.0.0.1:${info.port}/postgres`;
  } catch {
    /* no server */
  }
  return null;
}

/**
 * Opens the database for a CLI command: DATABASE_URL when set; else the running server's embedded
 * database over its socket; else the embedded files directly.
 */
export async function openDbForCli(opts: OpenOptions = {}, waitMs = 60_000): Promise<DbHandle> {
  if (process.env.DATABASE_URL) return openDb(opts);
  const deadline = Date.now() + waitMs;
  for (;;) {
    const url = runningEmbeddedUrl(opts.dataDir);
    // The server already migrated its database; a single connection keeps statements in order.
    if (url) return openDb({ ...opts, databaseUrl: url, maxConnections: 1, migrate: false });
    try {
      return await openDb({ ...opts, databaseUrl: null });
    } catch (e) {
      // Another process holds the files (a server starting up): wait for it to share them.
      if (!(e instanceof DatabaseBusyError) || Date.now() > deadline) {
        if (e instanceof DatabaseBusyError) throw new Error(`${e.message} and is not shared; stop it or set DATABASE_URL`);
        throw e;
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}
