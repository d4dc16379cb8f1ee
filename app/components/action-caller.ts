/**
 * The caller of a page or of its server action (lib/server/access/caller.ts), resolved once: on an
 * owner-mode server the owner's session cookie (the page gate let only the owner in; the cookie is
 * checked again here), on a public server the session of an admin or contributor who signed in with
 * their token (/signin); anyone else is anonymous. The operation an action calls decides what the
 * caller may do; a page shows only the controls its caller may use.
 */
import { cookies } from "next/headers";
import { ANONYMOUS, type Caller } from "../../lib/server/access/caller";
import { serverMode } from "../../lib/server/access/mode";
import { mayAtAll, mayOwn, type Permission } from "../../lib/server/access/policy";
import { Refused } from "../../lib/server/access/refused";
import { callerOfTokenSession, TOKEN_SESSION_COOKIE } from "../../lib/server/access/token-session";
import type { Db } from "../../lib/server/db/client";
import { serverDataDir } from "../../lib/server/env";
import { hasOwnerSession, SESSION_COOKIE } from "../../lib/server/http/owner-access";

export async function requestCaller(db: Db): Promise<Caller> {
  const jar = await cookies();
  if (serverMode() === "owner") {
    const session = jar.get(SESSION_COOKIE)?.value;
    return session && hasOwnerSession(`${SESSION_COOKIE}=${session}`, serverDataDir()) ? { kind: "owner", via: "session" } : ANONYMOUS;
  }
  const id = jar.get(TOKEN_SESSION_COOKIE)?.value;
  return id ? callerOfTokenSession(db, id) : ANONYMOUS;
}

/** A server action's caller (the form itself carries no credential). */
export const actionCaller = (db: Db, _f?: FormData): Promise<Caller> => requestCaller(db);

/**
 * A page's caller, and whether it may use the controls of `permission` (shown only then): `may` for
 * a control on nothing in particular; `mayOn` for one on a device, given the contributor the device
 * belongs to (null: none), so a contributor sees rename and hide on their own devices only, as the
 * operation decides (lib/server/access/policy.ts authorizeOwn).
 */
export async function pageCaller(db: Db): Promise<{ caller: Caller; may: (p: Permission) => boolean; mayOn: (p: Permission, deviceContributorId: number | null) => boolean }> {
  const caller = await requestCaller(db);
  return { caller, may: (p) => mayAtAll(caller, p), mayOn: (p, owner) => mayOwn(caller, p, [owner]) };
}

/** An operation's refusal as the form shows it; anything else is rethrown. */
export function refusalMessage(e: unknown): string {
  if (e instanceof Refused) return e.code === "missing_token" && serverMode() === "public" ? "This server is public: sign in (/signin) with an admin token first." : `Refused: ${e.message}.`;
  throw e;
}
