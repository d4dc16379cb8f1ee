/**
 * The owner's browser session (owner mode): the cookie the login URL sets, keyed by the owner
 * credential (lib/server/store/owner-credential.ts), and whether a request carries it. A state
 * change also needs an Origin of this very host (with the SameSite=Strict cookie and the Host
 * allow-list, cross-site requests and DNS rebinding cannot use it).
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { serverDataDir } from "../env";
import { ownerCredential } from "../store/owner-credential";
import { isPublic } from "./mode";

export const SESSION_COOKIE = "tw_session";
const SESSION_MAX_AGE_S = 30 * 24 * 3600;

/** An HMAC of `purpose` keyed by the owner credential (login code, session cookie, share links). */
export const mac = (credential: string, purpose: string) => createHmac("sha256", credential).update(`tokenwatt-${purpose}-v1`).digest("base64url");

/** The login code of the owner's login URL, and the session cookie's value: both keyed by the owner credential. */
export const loginCode = (credential: string) => mac(credential, "login");
export const sessionValue = (credential: string) => mac(credential, "session");

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

export function hasOwnerSession(cookieHeader: string | null | undefined, credential: string): boolean {
  const v = cookieValue(cookieHeader, SESSION_COOKIE);
  return v != null && same(v, sessionValue(credential));
}

export function sessionCookie(credential: string, secure: boolean): string {
  return `${SESSION_COOKIE}=${sessionValue(credential)}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${SESSION_MAX_AGE_S}${secure ? "; Secure" : ""}`;
}

export function isOwnerBrowser(req: Request): boolean {
  if (isPublic()) return false;
  if (!hasOwnerSession(req.headers.get("cookie"), ownerCredential(serverDataDir()))) return false;
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
