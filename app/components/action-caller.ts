/**
 * The caller of a page's server action (lib/server/access/caller.ts), resolved once per action: on
 * an owner-mode server the owner's session cookie (the page gate let only the owner in; the cookie is
 * checked again here), on a public server the admin token typed in the form; anyone else is
 * anonymous. The operation the action calls decides what the caller may do.
 */
import { cookies } from "next/headers";
import { ANONYMOUS, callerOfHeader, type Caller } from "../../lib/server/access/caller";
import { serverMode } from "../../lib/server/access/mode";
import { Refused } from "../../lib/server/access/refused";
import type { Db } from "../../lib/server/db/client";
import { serverDataDir } from "../../lib/server/env";
import { hasOwnerSession, SESSION_COOKIE } from "../../lib/server/http/owner-access";

export async function actionCaller(db: Db, f: FormData): Promise<Caller> {
  if (serverMode() === "owner") {
    const jar = await cookies();
    const session = jar.get(SESSION_COOKIE)?.value;
    return session && hasOwnerSession(`${SESSION_COOKIE}=${session}`, serverDataDir()) ? { kind: "owner", via: "session" } : ANONYMOUS;
  }
  const token = f.get("adminToken");
  return typeof token === "string" && token.trim() ? callerOfHeader(`Bearer ${token.trim()}`, db) : ANONYMOUS;
}

/** An operation's refusal as the form shows it; anything else is rethrown. */
export function refusalMessage(e: unknown): string {
  if (e instanceof Refused) return e.code === "missing_token" && serverMode() === "public" ? "This server is public: this needs an admin token." : `Refused: ${e.message}.`;
  throw e;
}
