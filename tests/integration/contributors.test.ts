/**
 * Contributors own their devices (issue 30 item 1), on PGlite and PostgreSQL: a device belongs to the
 * contributor whose token first registered it; that contributor (or an admin) renames and hides it;
 * a second contributor cannot, through any door: the operation (what the pages' forms call), the API
 * at the operation's route, and the CLI's client through a running server. Publishing stays the
 * owner's or an admin's.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import type { Caller } from "../../lib/server/access/caller";
import { Refused } from "../../lib/server/access/refused";
import { AdminError } from "../../lib/server/admin/ops";
import { remoteAdmin } from "../../lib/server/admin/remote";
import { rowsOf } from "../../lib/server/db/client";
import { startApiServer } from "../../lib/server/http/node";
import { OPERATIONS } from "../../lib/server/ops";
import { authenticate, createToken } from "../../lib/server/store/tokens";
import { apiDeps } from "../../harness/api";
import { DB_KINDS, openTestDb, type TestDb } from "../helpers/db";
import { makeSubmission } from "../../harness/fixtures";

const FOREIGN = "this device belongs to another contributor (or to no contributor): only they or an admin may do this";

describe.each(DB_KINDS)("contributors and their devices on %s", (kind) => {
  let h: TestDb;
  let server: { url: string; close(): Promise<void> };
  const tokens: Record<string, string> = {};
  const device: Record<string, number> = {};
  const caller = async (who: string): Promise<Caller> => {
    const a = await authenticate(h.db, `Bearer ${tokens[who]}`);
    if (!a.ok) throw new Error("bad token");
    return { kind: "token", role: a.role, tokenId: a.tokenId, name: a.name, contributorId: a.contributorId };
  };
  const upload = async (who: string, deviceModel: string) => {
    const r = await fetch(new URL("/api/v1/submissions", server.url), { method: "POST", headers: { authorization: `Bearer ${tokens[who]}`, "content-type": "application/json" }, body: JSON.stringify(makeSubmission({ deviceModel })) });
    expect(r.status).toBe(201);
  };
  const deviceId = async (model: string) => rowsOf<{ id: number }>(await h.db.execute(sql`select id from devices where model = ${model}`))[0]!.id;

  beforeAll(async () => {
    h = await openTestDb(kind);
    server = await startApiServer(apiDeps(h.db), 0);
    tokens.ana = await createToken(h.db, "ana-laptop", "runner", "ana");
    tokens.bo = await createToken(h.db, "bo-phone", "runner", "bo");
    tokens.plain = await createToken(h.db, "plain-runner", "runner");
    tokens.admin = await createToken(h.db, "contrib-admin", "admin");
    await upload("ana", "Ana Laptop");
    await upload("bo", "Bo Phone");
    // Bo's run on Ana's device: the device stays Ana's (the first registration decides).
    await upload("bo", "Ana Laptop");
    device.ana = await deviceId("Ana Laptop");
    device.bo = await deviceId("Bo Phone");
  });
  afterAll(async () => {
    await server?.close();
    await h?.drop();
  });

  it("gives each device the contributor whose token registered it first", async () => {
    const rows = rowsOf<{ model: string; contributor: string }>(
      await h.db.execute(sql`select d.model, c.name as contributor from devices d join contributors c on c.id = d.contributor_id where d.model in ('Ana Laptop', 'Bo Phone') order by 1`),
    );
    expect(rows).toEqual([
      { model: "Ana Laptop", contributor: "ana" },
      { model: "Bo Phone", contributor: "bo" },
    ]);
  });

  it("lets a contributor rename and hide their own device, through the operation, the API and the CLI client", async () => {
    expect(await OPERATIONS.renameDevice.run({ db: h.db }, await caller("ana"), { id: device.ana!, name: "Ana's Framework" })).toEqual({ id: device.ana, name: "Ana's Framework" });
    const api = await fetch(new URL(`/api/v1/admin/devices/${device.ana}/name`, server.url), { method: "POST", headers: { authorization: `Bearer ${tokens.ana}`, "content-type": "application/json" }, body: JSON.stringify({ name: "Ana's laptop" }) });
    expect(api.status).toBe(200);
    expect(await remoteAdmin(server.url, tokens.ana!).call("publish", { deviceIds: [device.ana!], published: false })).toMatchObject({ published: false });
  });

  it("refuses a second contributor through every door, with the same reason", async () => {
    // The operation (a page's form calls it with the caller its token gives).
    for (const run of [
      async () => OPERATIONS.renameDevice.run({ db: h.db }, await caller("ana"), { id: device.bo!, name: "mine now" }),
      async () => OPERATIONS.publish.run({ db: h.db }, await caller("ana"), { deviceIds: [device.bo!], published: false }),
      async () => OPERATIONS.publish.run({ db: h.db }, await caller("ana"), { deviceIds: [device.ana!, device.bo!], published: false }),
    ])
      await expect(run()).rejects.toEqual(new Refused("forbidden", FOREIGN));
    // The API.
    const rename = await fetch(new URL(`/api/v1/admin/devices/${device.bo}/name`, server.url), { method: "POST", headers: { authorization: `Bearer ${tokens.ana}`, "content-type": "application/json" }, body: JSON.stringify({ name: "mine now" }) });
    expect(rename.status).toBe(403);
    expect(((await rename.json()) as { error: { message: string } }).error.message).toBe(FOREIGN);
    const hide = await fetch(new URL("/api/v1/admin/publish", server.url), { method: "POST", headers: { authorization: `Bearer ${tokens.ana}`, "content-type": "application/json" }, body: JSON.stringify({ deviceIds: [device.bo], published: false }) });
    expect(hide.status).toBe(403);
    // The CLI's client.
    await expect(remoteAdmin(server.url, tokens.ana!).call("renameDevice", { id: device.bo!, name: "mine now" })).rejects.toEqual(new AdminError(FOREIGN));
    // Nothing changed.
    expect(rowsOf<{ display_name: string | null }>(await h.db.execute(sql`select display_name from devices where id = ${device.bo}`))[0]!.display_name).toBeNull();
  });

  it("keeps publishing, hiding everything and unowned devices to the owner and admins", async () => {
    await expect(OPERATIONS.publish.run({ db: h.db }, await caller("ana"), { deviceIds: [device.ana!], published: true })).rejects.toMatchObject({ code: "forbidden", message: "this needs an admin token or the owner" });
    await expect(OPERATIONS.publish.run({ db: h.db }, await caller("ana"), { allPlausible: true, published: false })).rejects.toMatchObject({ code: "forbidden" });
    // A runner token of no contributor owns nothing.
    await expect(OPERATIONS.renameDevice.run({ db: h.db }, await caller("plain"), { id: device.ana!, name: "x" })).rejects.toMatchObject({ code: "forbidden", message: "this needs an admin token, the owner, or the contributor the device belongs to" });
    expect(await remoteAdmin(server.url, tokens.admin!).call("renameDevice", { id: device.bo!, name: "Bo's Pixel" })).toEqual({ id: device.bo, name: "Bo's Pixel" });
  });
});
