/**
 * One implementation per operation (issue 29 items 1-2): every operation of lib/server/ops, called
 * through every door it has, gives the wrong caller the same refusal:
 * - the operation itself (what the pages' server actions call),
 * - the API, at the route the operation declares (lib/server/http/routes.ts),
 * - the CLI's admin client through a running server (lib/server/admin/remote.ts),
 * and the owner's CLI on the database (lib/server/admin/local.ts) may do each.
 * On PGlite and PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Caller } from "../../lib/server/access/caller";
import { may } from "../../lib/server/access/policy";
import { Refused } from "../../lib/server/access/refused";
import { AdminError } from "../../lib/server/admin/ops";
import { localAdmin } from "../../lib/server/admin/local";
import { remoteAdmin } from "../../lib/server/admin/remote";
import { startApiServer } from "../../lib/server/http/node";
import { ROUTES } from "../../lib/server/http/routes";
import { OPERATIONS, type OpInput, type OpName } from "../../lib/server/ops";
import { createToken } from "../../lib/server/store/tokens";
import { apiDeps } from "../../harness/api";
import { DB_KINDS, openTestDb, type TestDb } from "../helpers/db";
import { OP_INPUTS as INPUTS } from "../helpers/op-inputs";
import { makeSubmission } from "../../harness/fixtures";
import { parseSubmission } from "../../lib/core/contracts/submission";
import { storeSubmission } from "../../lib/server/ops/submissions";

const runnerCaller = (tokenId: number): Caller => ({ kind: "token", role: "runner", tokenId, name: "ops-runner" });

describe.each(DB_KINDS)("every operation through every door on %s", (kind) => {
  let h: TestDb;
  let server: { url: string; close(): Promise<void> };
  let runner: string;
  beforeAll(async () => {
    h = await openTestDb(kind);
    server = await startApiServer(apiDeps(h.db), 0);
    runner = await createToken(h.db, "ops-runner", "runner");
  });
  afterAll(async () => {
    await server?.close();
    await h?.drop();
  });

  it("serves each operation at the route it declares, and no other route of the table serves it", () => {
    for (const [name, op] of Object.entries(OPERATIONS)) {
      const routes = ROUTES.filter((r) => r.method === op.http.method && r.path === op.http.path);
      expect(routes, name).toHaveLength(1);
      expect(routes[0]!.operation, name).toBe(name);
    }
  });

  it.each(Object.keys(OPERATIONS) as OpName[])("%s: the same refusal for a runner token at the operation, the API and the CLI client", async (name) => {
    const op = OPERATIONS[name];
    expect(may(runnerCaller(1), op.permission)).toBe(false);
    // The operation itself (a server action's door).
    let direct: Refused | null = null;
    try {
      await op.run({ db: h.db }, runnerCaller(1), INPUTS[name] as any);
    } catch (e) {
      direct = e as Refused;
    }
    expect(direct).toBeInstanceOf(Refused);
    expect(direct!.code).toBe("forbidden");
    // The API at the operation's route.
    const path = op.http.path.replace(/:(\w+)/g, (_, k: string) => encodeURIComponent(String((INPUTS[name] as Record<string, unknown>)[k])));
    const res = await fetch(new URL(path, server.url), {
      method: op.http.method,
      headers: { authorization: `Bearer ${runner}`, ...(op.http.method === "POST" ? { "content-type": "application/json" } : {}) },
      body: op.http.method === "POST" ? JSON.stringify(INPUTS[name]) : undefined,
    });
    expect(res.status).toBe(403);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error).toEqual({ code: "forbidden", message: direct!.message });
    // Anonymous at the API: 401, before any body is read.
    const anon = await fetch(new URL(path, server.url), { method: op.http.method });
    expect(anon.status).toBe(401);
    // The CLI's client through the running server.
    await expect(remoteAdmin(server.url, runner).call(name, INPUTS[name])).rejects.toEqual(new AdminError(direct!.message));
  });

  it("stores a submission through one implementation: the API and the operation refuse an anonymous caller alike; the owner's CLI stores", async () => {
    const s = parseSubmission(makeSubmission({ deviceModel: "One Door Device" }));
    if (!s.ok) throw new Error("fixture");
    const direct = await storeSubmission.run({ db: h.db }, { kind: "anonymous" }, s.submission).catch((e) => e as Refused);
    expect(direct).toBeInstanceOf(Refused);
    const api = await fetch(new URL("/api/v1/submissions", server.url), { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(s.submission) });
    expect(api.status).toBe(401);
    expect(((await api.json()) as { error: { code: string; message: string } }).error).toEqual({ code: (direct as Refused).code, message: (direct as Refused).message });
    const owner = localAdmin({ ...h, close: async () => {} });
    expect((await owner.store(s.submission)).status).toBe("created");
  });

  it("lets the owner's CLI on the database do what the runner could not", async () => {
    const owner = localAdmin({ ...h, close: async () => {} });
    expect((await owner.call("createToken", { name: "owner-made" })).token).toMatch(/^tw_/);
    expect((await owner.call("listTokens", {})).tokens.map((t) => t.name)).toContain("owner-made");
    expect(await owner.call("revokeToken", { name: "owner-made" })).toEqual({ name: "owner-made", revoked: true });
    expect((await owner.call("publish", { allPlausible: true, published: false })).changedSubmissions).toBe(0);
    await expect(owner.call("renameDevice", { id: 2 ** 31 - 1, name: "x" })).rejects.toEqual(new AdminError(`no device ${2 ** 31 - 1}`));
    await expect(owner.call("publish", { published: true } as OpInput<"publish">)).rejects.toBeInstanceOf(AdminError);
  });
});

describe("the API reference", () => {
  it("is generated from the route table: every route, and each operation's caller rule and input schema", async () => {
    const h = await openTestDb("pglite");
    try {
      const { callApi } = await import("../../harness/api");
      const res = await callApi(new Request("http://t/api/v1/openapi.json"), h.db);
      expect(res.status).toBe(200);
      const doc = (await res.json()) as { openapi: string; paths: Record<string, Record<string, { operationId: string; description?: string; requestBody?: { content: { "application/json": { schema: { properties: Record<string, unknown>; required?: string[] } } } } }>> };
      expect(doc.openapi).toBe("3.1.0");
      const listed = Object.entries(doc.paths).flatMap(([p, ms]) => Object.keys(ms).map((m) => `${m.toUpperCase()} ${p}`));
      expect(listed.sort()).toEqual(ROUTES.map((r) => `${r.method} ${r.path.replace(/:(\w+)/g, "{$1}").replace(/\*(\w+)$/, "{$1}")}`).sort());
      const publishDoc = doc.paths["/api/v1/admin/publish"]!.post!;
      expect(publishDoc.operationId).toBe("publish");
      expect(publishDoc.description).toBe("Operation `publish`: needs an admin token or the owner.");
      expect(Object.keys(publishDoc.requestBody!.content["application/json"].schema.properties).sort()).toEqual(["allPlausible", "deviceIds", "published", "submissionIds"]);
      // A path parameter leaves the body: rename's id is in the path.
      const rename = doc.paths["/api/v1/admin/devices/{id}/name"]!.post!.requestBody!.content["application/json"].schema;
      expect(Object.keys(rename.properties)).toEqual(["name"]);
    } finally {
      await h.drop();
    }
  });
});
