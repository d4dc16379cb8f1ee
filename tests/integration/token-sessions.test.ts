/**
 * A public server's browser sessions for token holders (issue 30), on PGlite and PostgreSQL: a
 * session resolves to its token's caller; it ends at sign-out, when the token is revoked, 12 h after
 * its last use and 7 days after sign-in; an unknown or absurd id is anonymous.
 */
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { rowsOf } from "../../lib/server/db/client";
import { callerOfTokenSession, maySignIn } from "../../lib/server/access/token-session";
import { createTokenSession, endTokenSession } from "../../lib/server/store/token-sessions";
import { authenticate, createToken, revokeToken } from "../../lib/server/store/tokens";
import { DB_KINDS, openTestDb, type TestDb } from "../helpers/db";

const sha = (id: string) => createHash("sha256").update(id).digest("hex");

describe.each(DB_KINDS)("token sessions on %s", (kind) => {
  let h: TestDb;
  const ids: Record<string, number> = {};
  const tokenId = async (token: string) => {
    const a = await authenticate(h.db, `Bearer ${token}`);
    if (!a.ok) throw new Error("bad token");
    return a.tokenId;
  };

  beforeAll(async () => {
    h = await openTestDb(kind);
    ids.admin = await tokenId(await createToken(h.db, "s-admin", "admin"));
    ids.ana = await tokenId(await createToken(h.db, "s-ana", "runner", "ana"));
    ids.agent = await tokenId(await createToken(h.db, "s-agent", "agent"));
  });
  afterAll(async () => h?.drop());

  it("resolves a live session to its token's caller", async () => {
    const admin = await createTokenSession(h.db, ids.admin!);
    expect(await callerOfTokenSession(h.db, admin)).toMatchObject({ kind: "token", role: "admin", name: "s-admin", contributorId: null });
    const ana = await createTokenSession(h.db, ids.ana!);
    const c = await callerOfTokenSession(h.db, ana);
    expect(c).toMatchObject({ kind: "token", role: "runner", name: "s-ana" });
    expect(c.kind === "token" && c.contributorId).toBeGreaterThan(0);
    expect(maySignIn(c)).toBe(true);
  });

  it("takes no, unknown or absurd ids as anonymous", async () => {
    for (const id of [null, undefined, "", "nope", "x".repeat(101)]) expect(await callerOfTokenSession(h.db, id)).toEqual({ kind: "anonymous" });
  });

  it("ends at sign-out", async () => {
    const id = await createTokenSession(h.db, ids.admin!);
    await endTokenSession(h.db, id);
    expect((await callerOfTokenSession(h.db, id)).kind).toBe("anonymous");
  });

  it("ends when its token is revoked", async () => {
    const t = await createToken(h.db, "s-revoked", "admin");
    const id = await createTokenSession(h.db, await tokenId(t));
    expect((await callerOfTokenSession(h.db, id)).kind).toBe("token");
    await revokeToken(h.db, "s-revoked");
    expect((await callerOfTokenSession(h.db, id)).kind).toBe("anonymous");
  });

  it("ends 12 h after its last use and 7 days after sign-in, used or not", async () => {
    const idle = await createTokenSession(h.db, ids.admin!);
    const old = await createTokenSession(h.db, ids.admin!);
    const fresh = await createTokenSession(h.db, ids.admin!);
    await h.db.execute(sql`update token_sessions set last_seen_at = now() - interval '11 hours' where id_hash = ${sha(fresh)}`);
    await h.db.execute(sql`update token_sessions set last_seen_at = now() - interval '13 hours' where id_hash = ${sha(idle)}`);
    await h.db.execute(sql`update token_sessions set created_at = now() - interval '8 days' where id_hash = ${sha(old)}`);
    expect((await callerOfTokenSession(h.db, fresh)).kind).toBe("token");
    expect((await callerOfTokenSession(h.db, idle)).kind).toBe("anonymous");
    expect((await callerOfTokenSession(h.db, old)).kind).toBe("anonymous");
    // Used, the 11 h old session starts its idle time again.
    const [row] = rowsOf<{ touched: boolean }>(
      await h.db.execute(sql`select last_seen_at > now() - interval '1 minute' as touched from token_sessions where id_hash = ${sha(fresh)}`),
    );
    expect(row?.touched).toBe(true);
  });

  it("lets only admins and contributors' runner tokens sign in", async () => {
    expect(maySignIn({ kind: "token", role: "agent", tokenId: ids.agent!, name: "s-agent", contributorId: null })).toBe(false);
    expect(maySignIn({ kind: "token", role: "runner", tokenId: 1, name: "plain", contributorId: null })).toBe(false);
    expect(maySignIn({ kind: "anonymous" })).toBe(false);
    expect(maySignIn({ kind: "owner", via: "session" })).toBe(false);
  });
});
