/**
 * Browser sessions of a public server's token holders (issue 30): an admin signs in with their admin
 * token to review and publish from the pages, a contributor with their runner token to read where
 * their runs stand. Pasting the token once into the sign-in form replaces typing it into every form.
 * The session id is random (the cookie's value), stored as its sha256 in PostgreSQL (every worker and
 * host of a public server sees it); it ends at sign-out, when its token is revoked, 12 h after its
 * last use, or 7 days after sign-in, as the owner's sessions do (owner-sessions.ts).
 */
import { createHash, randomBytes } from "node:crypto";
import { sql } from "drizzle-orm";
import { rowsOf, type Db } from "../db/client";
import { SESSION_ABSOLUTE_MS, SESSION_IDLE_MS } from "./owner-sessions";
import type { TokenRole } from "./tokens";

/** Last-seen times are written at most this often (a page load is several requests). */
const TOUCH_MS = 60 * 1000;
const hash = (id: string) => createHash("sha256").update(id).digest("hex");

export interface SessionHolder {
  tokenId: number;
  role: TokenRole;
  name: string;
  contributorId: number | null;
}

/** A new session for a token (already authenticated by the caller); returns its id, never stored. */
export async function createTokenSession(db: Db, tokenId: number): Promise<string> {
  const id = randomBytes(32).toString("base64url");
  await db.execute(sql`
    with gone as (
      delete from token_sessions
      where last_seen_at < now() - make_interval(secs => ${SESSION_IDLE_MS / 1000})
         or created_at < now() - make_interval(secs => ${SESSION_ABSOLUTE_MS / 1000})
    )
    insert into token_sessions (id_hash, token_id) values (${hash(id)}, ${tokenId})`);
  return id;
}

/** The token behind a live session (and marks it used); null for no, an expired or a revoked one. */
export async function tokenSessionHolder(db: Db, id: string | null | undefined): Promise<SessionHolder | null> {
  if (!id || id.length > 100) return null;
  const [row] = rowsOf<SessionHolder & { stale: boolean }>(
    await db.execute(sql`
      select t.id as "tokenId", t.role, t.name, t.contributor_id as "contributorId",
        s.last_seen_at < now() - make_interval(secs => ${TOUCH_MS / 1000}) as stale
      from token_sessions s join runner_tokens t on t.id = s.token_id
      where s.id_hash = ${hash(id)} and t.revoked_at is null
        and s.last_seen_at >= now() - make_interval(secs => ${SESSION_IDLE_MS / 1000})
        and s.created_at >= now() - make_interval(secs => ${SESSION_ABSOLUTE_MS / 1000})`),
  );
  if (!row) return null;
  if (row.stale) await db.execute(sql`update token_sessions set last_seen_at = now() where id_hash = ${hash(id)}`);
  return { tokenId: Number(row.tokenId), role: row.role, name: row.name, contributorId: row.contributorId == null ? null : Number(row.contributorId) };
}

/** Ends one session (sign-out). */
export async function endTokenSession(db: Db, id: string | null | undefined): Promise<void> {
  if (!id || id.length > 100) return;
  await db.execute(sql`delete from token_sessions where id_hash = ${hash(id)}`);
}
