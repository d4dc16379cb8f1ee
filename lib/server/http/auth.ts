/**
 * The one auth gate. A request carries `Authorization: Bearer <secret>`: a token from
 * runner_tokens (roles runner, admin, agent) or the owner credential, a secret in the data
 * directory that only its owner can read (lib/server/store/owner-credential.ts; the local CLI's admin
 * commands use it). Handlers state which roles they admit; refusals come from the one table.
 */
import type { Db } from "../db/client";
import { authenticate, type TokenRole } from "../store/tokens";
import { isOwnerCredential } from "../store/owner-credential";
import { refuse } from "./refusals";

/** `owner`: the local owner of this server's data directory (acts as admin, and manages tokens). */
export type Role = TokenRole | "owner";

export type Principal = { role: Role; tokenId: number | null; name: string; /** The contributor a runner token belongs to. */ contributorId?: number | null };

export type AuthOutcome = { ok: true; principal: Principal } | { ok: false; refusal: Response };

const ROLE_HELP: Record<Role, string> = {
  runner: "a runner token (tokenwatt token create --name NAME)",
  admin: "an admin token (tokenwatt token create --name NAME --role admin)",
  agent: "an agent token (tokenwatt token create --name NAME --role agent)",
  owner: "the owner credential (the tokenwatt CLI on the server's machine)",
};

/** Who sends `req`: its principal, or the refusal for a missing, unknown or revoked secret. */
export function identify(req: Request, db: Db): Promise<AuthOutcome> {
  return identifyHeader(req.headers.get("authorization"), db);
}

/** The same, for an `Authorization` header value (a server action passes a token typed in a form). */
export async function identifyHeader(header: string | null, db: Db): Promise<AuthOutcome> {
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(header ?? "")?.[1];
  if (bearer && isOwnerCredential(bearer)) return { ok: true, principal: { role: "owner", tokenId: null, name: "owner" } };
  const auth = await authenticate(db, header);
  if (auth.ok) return { ok: true, principal: { role: auth.role, tokenId: auth.tokenId, name: auth.name, contributorId: auth.contributorId } };
  return { ok: false, refusal: refuse(auth.reason === "revoked" ? "token_revoked" : auth.reason === "missing" ? "missing_token" : "unknown_token") };
}

/**
 * Runs `fn` for a request whose principal has one of `roles` (the owner is admitted wherever an
 * admin is); otherwise answers the refusal.
 */
export async function withToken(req: Request, db: Db, roles: readonly Role[], fn: (p: Principal) => Promise<Response>): Promise<Response> {
  const who = await identify(req, db);
  if (!who.ok) return who.refusal;
  const admitted = roles.includes(who.principal.role) || (who.principal.role === "owner" && roles.includes("admin"));
  if (!admitted) return refuse("forbidden", `this needs ${roles.map((r) => ROLE_HELP[r]).join(" or ")}`);
  return fn(who.principal);
}

/** For endpoints open to anyone that show more to an admin: null without a token; a refusal for a bad one. */
export async function optionalToken(req: Request, db: Db): Promise<AuthOutcome | null> {
  return req.headers.get("authorization") ? identify(req, db) : null;
}

export const isAdmin = (p: Principal | null | undefined) => p?.role === "admin" || p?.role === "owner";
