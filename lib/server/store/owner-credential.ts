/**
 * The owner credential and the running server's address, both files in the data directory, which
 * is kept private to its owner (mode 0700; the files 0600). The server creates the credential on
 * first start and accepts it as `Authorization: Bearer <credential>` with the role `owner`; the
 * tokenwatt CLI of the same user reads it, and server.json, to run admin commands through the
 * server's HTTP API while the server holds the embedded database. Another local user can read
 * neither, so cannot administer the server (nor open its database files).
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { z } from "zod";
import { pidAlive } from "../db/client";
import { serverDataDir } from "../env";

export const OWNER_CREDENTIAL_FILE = "owner-credential";
export const SERVER_INFO_FILE = "server.json";

/** Creates the data directory if needed and makes it private to its owner. */
export function secureDataDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  fs.chmodSync(dir, 0o700);
}

/** The owner credential of `dir`, created (0600) on first use. */
export function ensureOwnerCredential(dir: string): string {
  secureDataDir(dir);
  const file = path.join(dir, OWNER_CREDENTIAL_FILE);
  try {
    fs.writeFileSync(file, `tw_owner_${randomBytes(32).toString("base64url")}\n`, { flag: "wx", mode: 0o600 });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
  }
  fs.chmodSync(file, 0o600);
  return fs.readFileSync(file, "utf8").trim();
}

let cachedCredential: { dir: string; value: string } | null = null;

/** The owner credential of `dir`, read once per process (request paths call this). */
export function ownerCredential(dir: string): string {
  if (cachedCredential?.dir !== dir) cachedCredential = { dir, value: ensureOwnerCredential(dir) };
  return cachedCredential.value;
}

const sha = (s: string) => createHash("sha256").update(s).digest();
let ownerHash: { dir: string; hash: Buffer } | null = null;

/** Whether `secret` is this server's owner credential (constant-time comparison). */
export function isOwnerCredential(secret: string): boolean {
  const dir = serverDataDir();
  if (ownerHash?.dir !== dir) ownerHash = { dir, hash: sha(ensureOwnerCredential(dir)) };
  return secret.startsWith("tw_owner_") && timingSafeEqual(sha(secret), ownerHash.hash);
}

const serverInfoSchema = z.object({ pid: z.int().min(1), url: z.url() });
export type ServerInfo = z.infer<typeof serverInfoSchema>;

/** Records where this process serves `dir` (removed at exit); the CLI finds the server through it. */
export function writeServerInfo(dir: string, url: string): void {
  secureDataDir(dir);
  const file = path.join(dir, SERVER_INFO_FILE);
  fs.writeFileSync(`${file}.${process.pid}.tmp`, JSON.stringify({ pid: process.pid, url } satisfies ServerInfo), { mode: 0o600 });
  fs.renameSync(`${file}.${process.pid}.tmp`, file);
  process.once("exit", () => {
    try {
      if (readServerInfoFile(dir)?.pid === process.pid) fs.unlinkSync(file);
    } catch {
      /* already gone */
    }
  });
}

function readServerInfoFile(dir: string): ServerInfo | null {
  try {
    const r = serverInfoSchema.safeParse(JSON.parse(fs.readFileSync(path.join(dir, SERVER_INFO_FILE), "utf8")));
    return r.success ? r.data : null;
  } catch {
    return null;
  }
}

/** The server serving `dir`, when one runs (its process is alive). */
export function runningServer(dir: string): ServerInfo | null {
  const info = readServerInfoFile(dir);
  return info && info.pid !== process.pid && pidAlive(info.pid) ? info : null;
}

/** The owner credential, for the CLI; a clear error when this user may not read it. */
export function readOwnerCredential(dir: string): string {
  const file = path.join(dir, OWNER_CREDENTIAL_FILE);
  try {
    return fs.readFileSync(file, "utf8").trim();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "EACCES" || code === "EPERM") throw new Error(`${file} is not readable by this user: only the owner of the data directory administers this server`);
    throw new Error(`a server runs on ${dir} but its owner credential ${file} is missing (${code}); restart the server`);
  }
}
