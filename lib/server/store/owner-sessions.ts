/**
 * The owner's browser sessions (issue 30 item 3; security review: the session cookie was a fixed
 * HMAC of the credential, the same after every restart, with no expiry, logout or rotation).
 * Random session ids, stored server-side as their sha256 in the data directory (0600, beside the
 * owner credential: every worker process of the server reads the same file), each with an idle and
 * an absolute expiry. Logout ends one; `tokenwatt login-url --rotate` ends them all and changes the
 * login code (the epoch is part of it).
 */
import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { secureDataDir } from "./owner-credential";

export const OWNER_SESSIONS_FILE = "owner-sessions.json";
/** A session unused this long ends. */
export const SESSION_IDLE_MS = 12 * 3600 * 1000;
/** A session ends this long after login, used or not. */
export const SESSION_ABSOLUTE_MS = 7 * 24 * 3600 * 1000;
/** Last-seen times are written at most this often (a page load is several requests). */
const TOUCH_MS = 60 * 1000;

interface State {
  epoch: number;
  sessions: Record<string, { created: number; lastSeen: number }>;
}

const hash = (id: string) => createHash("sha256").update(id).digest("hex");
const file = (dir: string) => path.join(dir, OWNER_SESSIONS_FILE);

function read(dir: string): State {
  try {
    const s = JSON.parse(fs.readFileSync(file(dir), "utf8")) as State;
    return { epoch: Number.isInteger(s.epoch) ? s.epoch : 0, sessions: s.sessions && typeof s.sessions === "object" ? s.sessions : {} };
  } catch {
    return { epoch: 0, sessions: {} };
  }
}

function write(dir: string, s: State): void {
  secureDataDir(dir);
  const tmp = `${file(dir)}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(s), { mode: 0o600 });
  fs.renameSync(tmp, file(dir));
}

const live = (x: { created: number; lastSeen: number }, now: number) => now - x.created < SESSION_ABSOLUTE_MS && now - x.lastSeen < SESSION_IDLE_MS;

/** The login code's epoch: `login-url --rotate` moves it on, so an old login URL stops working. */
export function sessionEpoch(dir: string): number {
  return read(dir).epoch;
}

/** A new session; returns its id (the cookie's value, never stored). */
export function createSession(dir: string, now = Date.now()): string {
  const s = read(dir);
  for (const [k, v] of Object.entries(s.sessions)) if (!live(v, now)) delete s.sessions[k];
  const id = randomBytes(32).toString("base64url");
  s.sessions[hash(id)] = { created: now, lastSeen: now };
  write(dir, s);
  return id;
}

/** Whether `id` is a live session (and marks it used). */
export function checkSession(dir: string, id: string | null, now = Date.now()): boolean {
  if (!id || id.length > 100) return false;
  const s = read(dir);
  const k = hash(id);
  const x = s.sessions[k];
  if (!x || !live(x, now)) return false;
  if (now - x.lastSeen > TOUCH_MS) {
    x.lastSeen = now;
    write(dir, s);
  }
  return true;
}

/** Ends one session (logout). */
export function endSession(dir: string, id: string | null): void {
  if (!id) return;
  const s = read(dir);
  if (s.sessions[hash(id)]) {
    delete s.sessions[hash(id)];
    write(dir, s);
  }
}

/** Ends every session and moves the login code on; returns the new epoch. */
export function rotateSessions(dir: string): number {
  const s = read(dir);
  write(dir, { epoch: s.epoch + 1, sessions: {} });
  return s.epoch + 1;
}
