"use server";
/**
 * Sign in and out of a public server with a token (issue 30): an admin to review and publish from the
 * pages, a contributor to read where their runs stand. The token is checked as the API checks it
 * (unknown and revoked tokens refused), then exchanged for a session (a random id in an httpOnly,
 * SameSite=Strict cookie); the token itself is never kept in the browser.
 */
import { cookies, headers } from "next/headers";
import { redirect } from "next/navigation";
import { callerOfHeader } from "../../lib/server/access/caller";
import { serverMode } from "../../lib/server/access/mode";
import { Refused } from "../../lib/server/access/refused";
import { maySignIn, TOKEN_SESSION_COOKIE, tokenSessionCookieOptions } from "../../lib/server/access/token-session";
import { serverDeps } from "../../lib/server/context";
import { createTokenSession, endTokenSession } from "../../lib/server/store/token-sessions";

export interface SignInState {
  message: string | null;
}

export async function signInAction(_prev: SignInState, f: FormData): Promise<SignInState> {
  if (serverMode() !== "public") return { message: "This is the owner's dashboard: the owner signs in with the login URL `npx tokenwatt login-url` prints." };
  const token = f.get("token");
  if (typeof token !== "string" || !/^\S{1,200}$/.test(token.trim())) return { message: "Paste your token (tw_...) as `tokenwatt token create` printed it." };
  const { db } = await serverDeps();
  let caller;
  try {
    caller = await callerOfHeader(`Bearer ${token.trim()}`, db);
  } catch (e) {
    if (e instanceof Refused) return { message: e.code === "token_revoked" ? "This token was revoked." : "This server knows no such token." };
    throw e;
  }
  if (caller.kind !== "token" || !maySignIn(caller)) {
    return { message: "Only an admin token or a contributor's runner token signs in here; agents and the owner's own runner tokens have nothing to do on these pages." };
  }
  const id = await createTokenSession(db, caller.tokenId);
  const secure = (await headers()).get("x-forwarded-proto") === "https";
  (await cookies()).set(TOKEN_SESSION_COOKIE, id, tokenSessionCookieOptions(secure));
  redirect(caller.role === "admin" ? "/review" : "/my-runs");
}

export async function signOutAction(): Promise<void> {
  const jar = await cookies();
  const id = jar.get(TOKEN_SESSION_COOKIE)?.value;
  if (id) {
    const { db } = await serverDeps();
    await endTokenSession(db, id);
  }
  jar.delete(TOKEN_SESSION_COOKIE);
  redirect("/");
}
