/**
 * Opens the owner's admin operations for a data directory: through the server when one runs on it
 * (its embedded database is that process's alone), else on the database directly. A server that
 * is starting (it holds the database but does not answer yet) is waited for.
 */
import fs from "node:fs";
import { DatabaseBusyError, openDb } from "../db/client";
import { localAdmin } from "./local";
import { AdminError, type AdminOps } from "./ops";
import { readOwnerCredential, runningServer } from "../store/owner-credential";
import { remoteAdmin } from "./remote";

export interface OpenAdminOptions {
  dataDir: string;
  /** drizzle-kit's migrations, for a database opened directly. */
  migrationsDir: string;
  /** How long to wait for a starting server, ms. */
  waitMs?: number;
}

const POLL_MS = 250;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function answers(url: string): Promise<boolean> {
  try {
    return (await fetch(new URL("/api/health", url), { signal: AbortSignal.timeout(5000) })).ok;
  } catch {
    return false;
  }
}

/** A data directory of another user (mode 0700) is theirs: say so instead of failing on a file in it. */
function checkAccess(dataDir: string): void {
  try {
    fs.accessSync(dataDir, fs.constants.R_OK | fs.constants.W_OK | fs.constants.X_OK);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return; // created on first use
    throw new AdminError(`${dataDir} is not readable by this user: only the owner of the data directory administers its server and database`);
  }
}

export async function openAdmin(o: OpenAdminOptions): Promise<AdminOps> {
  checkAccess(o.dataDir);
  const deadline = Date.now() + (o.waitMs ?? 60_000);
  for (;;) {
    const server = runningServer(o.dataDir);
    if (server) {
      if (await answers(server.url)) return remoteAdmin(server.url, readOwnerCredential(o.dataDir));
    } else {
      try {
        return localAdmin(await openDb({ dataDir: o.dataDir, migrationsDir: o.migrationsDir }));
      } catch (e) {
        if (!(e instanceof DatabaseBusyError)) throw e;
      }
    }
    if (Date.now() > deadline) {
      throw new AdminError(
        server
          ? `the server at ${server.url} (process ${server.pid}) does not answer; wait for it to start, or stop it`
          : `the database in ${o.dataDir} is held by another process that does not serve it; stop it or set DATABASE_URL`,
      );
    }
    await sleep(POLL_MS);
  }
}
