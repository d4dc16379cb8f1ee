/**
 * Runner tokens: bearer secrets for the ingest API. The token is shown once at creation; only its
 * sha256 is stored, so a leaked database does not leak tokens.
 */
import { createHash, randomBytes } from "node:crypto";
import { and, asc, eq, isNull, sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { contributors, runnerTokens } from "../db/schema";

export const TOKEN_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
/** `runner` submits results; `admin` also publishes and queues jobs; `agent` runs `tokenwatt agent` for one device. */
export const TOKEN_ROLES = ["runner", "admin", "agent"] as const;
export type TokenRole = (typeof TOKEN_ROLES)[number];

export class TokenError extends Error {
  constructor(
    readonly code: "invalid_name" | "name_taken" | "not_found" | "already_revoked",
    message: string,
  ) {
    super(message);
    this.name = "TokenError";
  }
}

export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/**
 * Mints a token; shown once, stored as a hash. `contributor` (a runner token on a public server):
 * the person it belongs to, created on first use of the name; the devices its runs register are theirs.
 */
export async function createToken(db: Db, name: string, role: TokenRole = "runner", contributor: string | null = null): Promise<string> {
  if (!TOKEN_NAME_PATTERN.test(name)) {
    throw new TokenError("invalid_name", "token names are 1-64 characters: letters, digits, '.', '_' or '-', starting with a letter or digit");
  }
  if (contributor != null && !TOKEN_NAME_PATTERN.test(contributor)) {
    throw new TokenError("invalid_name", "contributor names are 1-64 characters: letters, digits, '.', '_' or '-', starting with a letter or digit");
  }
  if (contributor != null && role !== "runner") throw new TokenError("invalid_name", "only runner tokens belong to a contributor");
  const token = `tw_${randomBytes(32).toString("base64url")}`;
  const id = await db.transaction(async (tx) => {
    let contributorId: number | null = null;
    if (contributor != null) {
      await tx.insert(contributors).values({ name: contributor }).onConflictDoNothing({ target: contributors.name });
      contributorId = (await tx.select({ id: contributors.id }).from(contributors).where(eq(contributors.name, contributor)))[0]!.id;
    }
    const rows = await tx
      .insert(runnerTokens)
      .values({ name, tokenHash: hashToken(token), role, contributorId })
      .onConflictDoNothing({ target: runnerTokens.name })
      .returning({ id: runnerTokens.id });
    return rows[0]?.id ?? null;
  });
  if (id == null) throw new TokenError("name_taken", `a token named "${name}" already exists`);
  return token;
}

export async function listTokens(db: Db) {
  return db
    .select({
      name: runnerTokens.name,
      role: runnerTokens.role,
      contributor: contributors.name,
      createdAt: runnerTokens.createdAt,
      revokedAt: runnerTokens.revokedAt,
      lastUsedAt: runnerTokens.lastUsedAt,
    })
    .from(runnerTokens)
    .leftJoin(contributors, eq(contributors.id, runnerTokens.contributorId))
    .orderBy(asc(runnerTokens.createdAt));
}

export async function revokeToken(db: Db, name: string): Promise<void> {
  const rows = await db
    .update(runnerTokens)
    .set({ revokedAt: new Date() })
    .where(and(eq(runnerTokens.name, name), isNull(runnerTokens.revokedAt)))
    .returning({ id: runnerTokens.id });
  if (rows.length > 0) return;
  const exists = await db.select({ id: runnerTokens.id }).from(runnerTokens).where(eq(runnerTokens.name, name));
  throw exists.length
    ? new TokenError("already_revoked", `token "${name}" is already revoked`)
    : new TokenError("not_found", `no token named "${name}"`);
}

/** The token lookup runs on every upload: a named prepared statement, built once per database. */
const authQueries = new WeakMap<Db, ReturnType<typeof buildAuthQuery>>();
function buildAuthQuery(db: Db) {
  return db
    .select({ id: runnerTokens.id, name: runnerTokens.name, role: runnerTokens.role, revokedAt: runnerTokens.revokedAt, contributorId: runnerTokens.contributorId })
    .from(runnerTokens)
    .where(eq(runnerTokens.tokenHash, sql.placeholder("hash")))
    .prepare("tokenwatt_auth");
}
function authQuery(db: Db) {
  let q = authQueries.get(db);
  if (!q) authQueries.set(db, (q = buildAuthQuery(db)));
  return q;
}

export type AuthResult =
  | { ok: true; tokenId: number; name: string; role: TokenRole; contributorId: number | null }
  | { ok: false; reason: "missing" | "unknown" | "revoked" };

/** A token's row as the check reads it. */
export interface TokenRow {
  id: number;
  name: string;
  role: string;
  revokedAt: Date | string | null;
  contributorId: number | null;
}

const bearerSecret = (authorization: string | null) => /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "")?.[1];

/** Checks an `Authorization: Bearer ...` header value. */
export async function authenticate(db: Db, authorization: string | null): Promise<AuthResult> {
  const secret = bearerSecret(authorization);
  if (!secret) return { ok: false, reason: "missing" };
  const rows = await authQuery(db).execute({ hash: hashToken(secret) });
  return judgeToken(db, rows[0]);
}

/**
 * The same check where the token's row comes with the token's rate-limit take, in one statement
 * (rate-limit.ts, the shared limiter's `takeForToken`: an upload's first round trip). `wait` is the
 * take's: 0 when nothing was taken (no valid token; the caller is refused anyway).
 */
export async function authenticateAndTake(
  db: Db,
  authorization: string | null,
  takeForToken: (tokenHash: string) => Promise<{ token: TokenRow | null; wait: number }>,
): Promise<{ auth: AuthResult; wait: number }> {
  const secret = bearerSecret(authorization);
  if (!secret) return { auth: { ok: false, reason: "missing" }, wait: 0 };
  const { token, wait } = await takeForToken(hashToken(secret));
  return { auth: await judgeToken(db, token ?? undefined), wait };
}

async function judgeToken(db: Db, row: TokenRow | undefined): Promise<AuthResult> {
  if (!row) return { ok: false, reason: "unknown" };
  if (row.revokedAt) return { ok: false, reason: "revoked" };
  await touchToken(db, row.id);
  return { ok: true, tokenId: row.id, name: row.name, role: row.role as TokenRole, contributorId: row.contributorId };
}

/** Records use at most once a minute per token and process, so ingest does not write per request. */
const lastTouched = new Map<number, number>();
async function touchToken(db: Db, id: number): Promise<void> {
  const now = Date.now();
  if (now - (lastTouched.get(id) ?? 0) < 60_000) return;
  lastTouched.set(id, now);
  await db.update(runnerTokens).set({ lastUsedAt: new Date(now) }).where(eq(runnerTokens.id, id));
}
