/**
 * Pairing codes: a short, single-use, short-lived secret that lets one browser (a phone on the
 * LAN) upload one submission. Only an HMAC of the code, keyed by the server secret, is stored. Consuming is one conditional
 * UPDATE, so two uploads racing with the same code cannot both win.
 */
import { createHmac, randomInt } from "node:crypto";
import { and, eq, gt, isNull, lt, sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { pairingCodes } from "../db/schema";
import { ownerCredential } from "./owner-credential";
import { serverDataDir } from "../env";

/**
 * What is stored of a code: an HMAC keyed by this server's secret (the owner credential), so a copy
 * of the table does not let anyone test the ~40-bit codes offline.
 */
export function codeHash(code: string): string {
  return createHmac("sha256", ownerCredential(serverDataDir())).update(`pairing:${code}`).digest("hex");
}

/** No 0/O, 1/I/L: codes are read off a screen and typed on a phone. */
const ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
export const PAIRING_CODE_LENGTH = 8;
export const DEFAULT_PAIRING_TTL_S = 600;
/** The longest a code may live: a phone is paired while its owner looks at the code. */
export const MAX_PAIRING_TTL_S = 3600;
/**
 * How long after its expiry a code that delivered a submission still answers a retry of that very
 * submission ("delivered": the phone never got the answer), and after which every code is removed.
 */
export const PAIRING_KEEP_S = 86_400;

/** Upper-cases and drops separators, so "abcd-efgh" and "ABCD EFGH" are the same code. */
export function normalizePairingCode(input: string): string | null {
  const c = input.toUpperCase().replace(/[\s-]/g, "");
  if (c.length !== PAIRING_CODE_LENGTH) return null;
  for (const ch of c) if (!ALPHABET.includes(ch)) return null;
  return c;
}

/** `ABCDEFGH` -> `ABCD-EFGH`. */
export function formatPairingCode(code: string): string {
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}

export async function createPairingCode(db: Db, ttlS = DEFAULT_PAIRING_TTL_S): Promise<{ code: string; expiresAt: Date }> {
  if (!Number.isInteger(ttlS) || ttlS < 10 || ttlS > MAX_PAIRING_TTL_S) throw new RangeError("pairing code lifetime must be 10 s to 1 h");
  const code = Array.from({ length: PAIRING_CODE_LENGTH }, () => ALPHABET[randomInt(ALPHABET.length)]).join("");
  const expiresAt = new Date(Date.now() + ttlS * 1000);
  // Codes that expired a day ago, used or not, are of no use to anyone (a delivered one answers
  // retries only until then): the table stays small.
  await db.delete(pairingCodes).where(lt(pairingCodes.expiresAt, sql`now() - make_interval(secs => ${PAIRING_KEEP_S})`));
  await db.insert(pairingCodes).values({ codeHash: codeHash(code), expiresAt });
  return { code: formatPairingCode(code), expiresAt };
}

export type PairingClaim = { ok: true; id: number; delivered?: boolean } | { ok: false; reason: "malformed" | "unknown" | "expired" | "used" };

/**
 * Marks the code used if it is valid now; the caller releases it if the upload then fails. A code
 * already used for this very submission answers `delivered` (a retry after a lost answer).
 */
export async function claimPairingCode(db: Db, input: string, submissionId?: string): Promise<PairingClaim> {
  const code = normalizePairingCode(input);
  if (!code) return { ok: false, reason: "malformed" };
  const hash = codeHash(code);
  const won = await db
    .update(pairingCodes)
    .set({ usedAt: sql`now()` })
    .where(and(eq(pairingCodes.codeHash, hash), isNull(pairingCodes.usedAt), gt(pairingCodes.expiresAt, sql`now()`)))
    .returning({ id: pairingCodes.id });
  if (won[0]) return { ok: true, id: won[0].id };
  const row = (await db.select().from(pairingCodes).where(eq(pairingCodes.codeHash, hash)))[0];
  if (!row) return { ok: false, reason: "unknown" };
  if (row.usedAt && submissionId && row.submissionId === submissionId && deliveredRetryOpen(row.expiresAt)) return { ok: true, id: row.id, delivered: true };
  return { ok: false, reason: row.usedAt ? "used" : "expired" };
}

/** Whether a used code still answers a retry of its submission: until PAIRING_KEEP_S after its expiry. */
const deliveredRetryOpen = (expiresAt: Date) => expiresAt.getTime() + PAIRING_KEEP_S * 1000 > Date.now();

/** The upload failed after the claim (invalid submission, database error): the code stays usable. */
export async function releasePairingCode(db: Db, id: number): Promise<void> {
  await db.update(pairingCodes).set({ usedAt: null }).where(and(eq(pairingCodes.id, id), isNull(pairingCodes.submissionId)));
}

export async function attachPairingSubmission(db: Db, id: number, submissionId: string): Promise<void> {
  await db.update(pairingCodes).set({ submissionId }).where(eq(pairingCodes.id, id));
}

/**
 * A code's state without using it, to refuse an upload before its body is read: "open" (unused,
 * unexpired), "delivered" (used for a submission that may be retried), or why it cannot be used.
 */
export async function pairingCodeState(db: Db, input: string): Promise<"open" | "delivered" | "malformed" | "unknown" | "used" | "expired"> {
  const code = normalizePairingCode(input);
  if (!code) return "malformed";
  const row = (await db.select().from(pairingCodes).where(eq(pairingCodes.codeHash, codeHash(code))))[0];
  if (!row) return "unknown";
  if (row.usedAt) return row.submissionId && deliveredRetryOpen(row.expiresAt) ? "delivered" : "used";
  return row.expiresAt.getTime() > Date.now() ? "open" : "expired";
}

/** Whether a code could still deliver a submission (unused, unexpired), without using it. */
export async function pairingCodeOpen(db: Db, input: string): Promise<boolean> {
  const code = normalizePairingCode(input);
  if (!code) return false;
  const rows = await db
    .select({ id: pairingCodes.id })
    .from(pairingCodes)
    .where(and(eq(pairingCodes.codeHash, codeHash(code)), isNull(pairingCodes.usedAt), gt(pairingCodes.expiresAt, sql`now()`)));
  return rows.length > 0;
}
