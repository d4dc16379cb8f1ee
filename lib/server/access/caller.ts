/**
 * Who is asking, resolved once per request, page, server action or CLI call (issue 29 item 1):
 * - the owner: the CLI of the data directory's owner (`cli`), the owner credential over HTTP
 *   (`credential`), or the owner's browser session on an owner-mode server (`session`);
 * - a token of runner_tokens with its role (runner, admin, agent);
 * - anonymous: no credential at all.
 * A credential that is present but bad (unknown, revoked) is refused, never taken as anonymous.
 * What each caller may do is decided in one table (policy.ts); what it may see, by audience.ts.
 */
import type { Db } from "../db/client";
import { isOwnerCredential } from "../store/owner-credential";
import { authenticate, type AuthResult, type TokenRole } from "../store/tokens";
import { isOwnerBrowser } from "./owner-session";
import { REFUSALS } from "./refusal-codes";
import { Refused } from "./refused";

export type Caller =
  | { kind: "owner"; via: "cli" | "credential" | "session" }
  | { kind: "token"; role: TokenRole; tokenId: number; name: string; /** The contributor the token belongs to (a public server's runner tokens). */ contributorId?: number | null }
  /** A phone uploading with a single-use pairing code (its claim is checked by the upload's transport). */
  | { kind: "pairing" }
  | { kind: "anonymous" };

/** The owner's own CLI on the database (no server running): file access to the data directory is the authority. */
export const OWNER_CLI: Caller = { kind: "owner", via: "cli" };
export const ANONYMOUS: Caller = { kind: "anonymous" };

/**
 * The caller of an `Authorization` header value (a request's, or an admin token typed in a form).
 * `check`: how a token is checked (an upload checks it and takes from its rate limit at once).
 */
export async function callerOfHeader(header: string | null, db: Db, check: (header: string) => Promise<AuthResult> = (h) => authenticate(db, h)): Promise<Caller> {
  if (!header?.trim()) return ANONYMOUS;
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1];
  if (bearer && isOwnerCredential(bearer)) return { kind: "owner", via: "credential" };
  const auth = await check(header);
  if (auth.ok) return { kind: "token", role: auth.role, tokenId: auth.tokenId, name: auth.name, contributorId: auth.contributorId };
  const code = auth.reason === "revoked" ? "token_revoked" : auth.reason === "missing" ? "missing_token" : "unknown_token";
  throw new Refused(code, REFUSALS[code][1]);
}

/** The caller of an API request: its bearer secret, else the owner's browser session (owner mode), else anonymous. */
export async function callerOf(req: Request, db: Db): Promise<Caller> {
  if (req.headers.get("authorization")) return callerOfHeader(req.headers.get("authorization"), db);
  return isOwnerBrowser(req) ? { kind: "owner", via: "session" } : ANONYMOUS;
}

export function describeCaller(c: Caller): string {
  return c.kind === "owner" ? "the owner" : c.kind === "token" ? `${c.role} token "${c.name}"` : c.kind === "pairing" ? "a paired phone" : "an anonymous visitor";
}
