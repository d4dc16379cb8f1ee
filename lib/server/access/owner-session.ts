/**
 * The owner's browser session (owner mode): the cookie the login URL sets, a random session id kept
 * server-side with idle and absolute expiry (lib/server/store/owner-sessions.ts), and whether a
 * request carries a live one. The login code is keyed by the owner credential and the sessions'
 * epoch (`login-url --rotate` changes it). A state change also needs an Origin of this very host
 * (with the SameSite=Strict cookie and the Host allow-list, cross-site requests and DNS rebinding
 * cannot use it). Cookies are not scoped by port in browsers, so the login URL names a host of its
 * own, `tw-<port>-<secret>.localhost` (ownerHost): its host-only cookie never goes to another service
 * on 127.0.0.1 or localhost. Logged in at 127.0.0.1 instead (a browser that does not resolve
 * *.localhost), a service on another port of 127.0.0.1 receives the cookie; what it can do with it
 * ends at logout, rotation or the expiries.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { serverDataDir } from "../env";
import { checkSession, SESSION_ABSOLUTE_MS, sessionEpoch } from "../store/owner-sessions";
import { isPublic } from "./mode";

export const SESSION_COOKIE = "tw_session";

/** An HMAC of `purpose` keyed by the owner credential (login code, session cookie, share links). */
export const mac = (credential: string, purpose: string) => createHmac("sha256", credential).update(`tokenwatt-${purpose}-v1`).digest("base64url");

/** The login code of the owner's login URL: keyed by the owner credential and the sessions' epoch. */
export const loginCode = (credential: string, epoch = 0) => mac(credential, epoch ? `login-${epoch}` : "login");

/** The login code of this data directory's server now. */
export const currentLoginCode = (dataDir: string, credential: string) => loginCode(credential, sessionEpoch(dataDir));

/**
 * The host name of the owner's login URL: `tw-<port>-<16 hex>.localhost`. Chromium and Firefox
 * resolve every *.localhost name to loopback and treat it as a secure context; the session cookie it
 * sets is host-only, so a service on 127.0.0.1:<other> or localhost:<other> never receives it. The
 * 64 bits keyed by the owner credential and the sessions' epoch keep another local service from
 * sending the browser to this name on its own port to collect the cookie: it cannot know the name
 * (and `login-url --rotate` changes it).
 */
export const ownerHost = (credential: string, port: number, epoch = 0) =>
  `tw-${port}-${createHmac("sha256", credential).update(`tokenwatt-owner-host-${epoch}-v1`).digest("hex").slice(0, 16)}.localhost`;

/** The owner's login URLs of a server on `port`: on its own host name, and on 127.0.0.1 for browsers without *.localhost. */
export function ownerLoginUrls(dataDir: string, credential: string, port: number): { ownHost: string; loopback: string } {
  const epoch = sessionEpoch(dataDir);
  const code = loginCode(credential, epoch);
  return { ownHost: `http://${ownerHost(credential, port, epoch)}:${port}/login?code=${code}`, loopback: `http://127.0.0.1:${port}/login?code=${code}` };
}

/** Constant-time equality of two secrets. */
export const same = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

export function cookieValue(cookieHeader: string | null | undefined, name: string): string | null {
  for (const part of (cookieHeader ?? "").split(";")) {
    const i = part.indexOf("=");
    if (i > 0 && part.slice(0, i).trim() === name) return part.slice(i + 1).trim();
  }
  return null;
}

/** Whether the request's cookie is a live session of this data directory's owner. */
export function hasOwnerSession(cookieHeader: string | null | undefined, dataDir: string = serverDataDir()): boolean {
  return checkSession(dataDir, cookieValue(cookieHeader, SESSION_COOKIE));
}

/** The cookie that carries a session id: for this host's pages only, never to scripts, never cross-site. */
export function sessionCookie(id: string, secure: boolean): string {
  return `${SESSION_COOKIE}=${id}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${Math.floor(SESSION_ABSOLUTE_MS / 1000)}${secure ? "; Secure" : ""}`;
}

/** The cookie that ends a session in the browser (logout). */
export const expiredSessionCookie = `${SESSION_COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0`;

export function isOwnerBrowser(req: Request): boolean {
  if (isPublic()) return false;
  if (!hasOwnerSession(req.headers.get("cookie"))) return false;
  if (req.method === "GET" || req.method === "HEAD") return true;
  const origin = req.headers.get("origin");
  const host = req.headers.get("host") ?? new URL(req.url).host;
  try {
    return origin != null && new URL(origin).host === host;
  } catch {
    return false;
  }
}

/** The server's answer to the CLI's nonce: proof that it holds the owner credential, revealing nothing of it. */
export const ownerProof = (credential: string, nonce: string) => mac(credential, `owner-proof-${nonce}`);
