/**
 * The owner's browser session on API requests (owner mode): the session cookie the login URL sets
 * (lib/server/http/owner-access.ts). A state change also needs an Origin of this very host (with the
 * SameSite=Strict cookie and the Host allow-list, cross-site requests and DNS rebinding cannot use it).
 */
import { ownerCredential } from "../admin/owner";
import { serverDataDir } from "../env";
import { isPublic } from "../access/mode";
import type { Db } from "../db/client";
import { withToken } from "./auth";
import { hasOwnerSession } from "./owner-access";

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

/** Runs `fn` for the owner's browser (owner mode) or an admin token; otherwise the token refusal. */
export function ownerOrAdmin(req: Request, db: Db, fn: () => Promise<Response>): Promise<Response> {
  return isOwnerBrowser(req) ? fn() : withToken(req, db, ["admin"], fn);
}
