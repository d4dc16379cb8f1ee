/**
 * Opens the owner's admin operations for a data directory: through the server when one runs on it
 * (its embedded database is that process's alone), else on the database directly. A server that
 * is starting (it holds the database but does not answer yet) is waited for.
 */
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { ownerProof } from "../access/owner-session";
import { DatabaseBusyError, openDb } from "../db/client";
import { localAdmin } from "./local";
import { AdminError, type AdminOps } from "./ops";
import { readOwnerCredential, runningServer, SERVER_INFO_FILE } from "../store/owner-credential";
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

/**
 * Whether the server at `url` holds `credential`: it must answer a fresh nonce with the HMAC only
 * the credential's holder can compute, before the CLI sends the credential itself.
 */
export async function provesCredential(url: string, credential: string): Promise<boolean> {
  const nonce = randomBytes(32).toString("hex");
  try {
    const r = await fetch(new URL(`/api/v1/owner/proof?nonce=${nonce}`, url), { signal: AbortSignal.timeout(5000) });
    const body = (await r.json().catch(() => null)) as { proof?: unknown } | null;
    return r.ok && typeof body?.proof === "string" && body.proof === ownerProof(credential, nonce);
  } catch {
    return false;
  }
}

/**
 * server.json and the process it names must be this user's: another user's file (or a process
 * that took the pid of a server long gone) does not get the owner credential.
 */
export function sameUser(file: string, pid: number): boolean {
  const uid = process.getuid?.();
  if (uid === undefined) return true; // no user ids here (Windows): the data directory's permissions decide
  try {
    if (fs.statSync(file).uid !== uid) return false;
  } catch {
    return false;
  }
  try {
    return fs.statSync(`/proc/${pid}`).uid === uid;
  } catch {
    return true; // no /proc (macOS): the file's owner is what can be checked
  }
}

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
      if (!sameUser(path.join(o.dataDir, SERVER_INFO_FILE), server.pid)) {
        throw new AdminError(`${path.join(o.dataDir, SERVER_INFO_FILE)} or its process ${server.pid} belongs to another user: the owner credential is not sent to it`);
      }
      if (await answers(server.url)) {
        const credential = readOwnerCredential(o.dataDir);
        if (!(await provesCredential(server.url, credential))) {
          throw new AdminError(`what answers at ${server.url} did not prove it holds this data directory's owner credential: not sending it (a stale ${SERVER_INFO_FILE}? stop that service, or remove the file)`);
        }
        return remoteAdmin(server.url, credential);
      }
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
