/**
 * The navigation's links for who is signed in: the owner's review queue; on a public server a
 * signed-in admin's queue or a contributor's runs, else "Sign in". Anonymous visitors of a public
 * server see only "Sign in" (pages with the sign-in cookie are never cached, so no one else's links leak).
 */
import Link from "next/link";
import { cookies } from "next/headers";
import { isPublic } from "../../lib/server/access/mode";
import { TOKEN_SESSION_COOKIE } from "../../lib/server/access/token-session";
import { serverDeps } from "../../lib/server/context";
import { pageCaller } from "./action-caller";

export async function SessionLinks() {
  if (!isPublic()) return <Link href="/review">Review</Link>;
  // An anonymous visitor (no cookie) costs no database read.
  if (!(await cookies()).get(TOKEN_SESSION_COOKIE)) return <Link href="/signin">Sign in</Link>;
  const { db } = await serverDeps();
  const { may } = await pageCaller(db);
  if (may("review")) return <Link href="/review">Review</Link>;
  if (may("see-own-runs")) return <Link href="/my-runs">Your runs</Link>;
  return <Link href="/signin">Sign in</Link>;
}
