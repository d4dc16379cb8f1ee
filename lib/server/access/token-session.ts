/**
 * A public server's token holders in the browser (issue 30): the sign-in page turns an admin or a
 * contributor's runner token into a session (lib/server/store/token-sessions.ts) carried by a
 * cookie; the pages and their server actions resolve the caller from it, so nobody types a token
 * into every form and anonymous visitors are shown no controls. Pages seen with this cookie are
 * never served from or kept in the public page cache (they differ by who is signed in).
 */
import type { Db } from "../db/client";
import { tokenSessionHolder } from "../store/token-sessions";
import { SESSION_ABSOLUTE_MS } from "../store/owner-sessions";
import { ANONYMOUS, type Caller } from "./caller";

export const TOKEN_SESSION_COOKIE = "tw_signin";

/** The roles that may sign in: admins (review, publish) and runner tokens that belong to a contributor. */
export function maySignIn(c: Caller): boolean {
  return c.kind === "token" && (c.role === "admin" || (c.role === "runner" && c.contributorId != null));
}

/** The caller of a session cookie's value: the token behind a live session, else anonymous. */
export async function callerOfTokenSession(db: Db, id: string | null | undefined): Promise<Caller> {
  const h = await tokenSessionHolder(db, id);
  return h ? { kind: "token", role: h.role, tokenId: h.tokenId, name: h.name, contributorId: h.contributorId } : ANONYMOUS;
}

/** Cookie attributes of a session: this host's pages only, never scripts, never cross-site. */
export const tokenSessionCookieOptions = (secure: boolean) =>
  ({ httpOnly: true, sameSite: "strict", path: "/", maxAge: Math.floor(SESSION_ABSOLUTE_MS / 1000), secure }) as const;
