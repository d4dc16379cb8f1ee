import fs from "node:fs";
import os from "node:os";
import { listBrowserModels } from "../../lib/server/catalog/browser-models";
import { parseSubmission } from "../../lib/core/contracts/submission";
import { ingestSubmission } from "../../lib/server/store/ingest";
import path from "node:path";
import { defaultInputs } from "../../lib/core/tco/model";
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { count, eq, sql } from "drizzle-orm";
import { claimPairingCode, createPairingCode } from "../../lib/server/store/pairing";
import { pairingCodes, submissions, tcoScenarios } from "../../lib/server/db/schema";
import { SCENARIOS_PER_HOUR } from "../../lib/server/store/scenarios";
import { openDb } from "../../lib/server/db/client";
import { createToken } from "../../lib/server/store/tokens";
import { codeHash } from "../../lib/server/store/pairing";
import { createRateLimiter } from "../../lib/server/http/rate-limit";
import { makeSubmission } from "../../harness/fixtures";
import { DB_KINDS, openTestDb, type TestDb } from "../helpers/db";
import { resetServerEnvForTests, serverDataDir } from "../../lib/server/env";
import { SESSION_COOKIE } from "../../lib/server/http/owner-access";
import { createSession } from "../../lib/server/store/owner-sessions";
import { callApi } from "../../harness/api";

describe.each(DB_KINDS)("pairing codes on %s", (kind) => {
  let h: TestDb;
  const limiter = createRateLimiter(1e6, 1e6);
  beforeAll(async () => {
    h = await openTestDb(kind);
  });
  afterAll(async () => h?.drop());

  const post = (body: unknown, code: string) =>
    callApi(
      new Request("http://test/api/v1/submissions", {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Pairing ${code}` },
        body: JSON.stringify(body),
      }),
      h.db, { limiter },
    );
  const stored = async () => (await h.db.select({ n: count() }).from(submissions))[0]!.n;

  it("checks the code before reading the body: a bad code costs no parsing", async () => {
    const garbage = (code: string) =>
      callApi(new Request("http://test/api/v1/submissions", { method: "POST", headers: { "content-type": "application/json", authorization: `Pairing ${code}` }, body: "{".repeat(500_000) }), h.db, { limiter });
    // invalid JSON would be a 400: the 401 says the body was never parsed
    expect((await garbage("ZZZZ-ZZZZ")).status).toBe(401);
    expect(((await (await garbage("ZZZZ-ZZZZ")).json()) as { error: { code: string } }).error.code).toBe("pairing_unknown");
    const { code } = await createPairingCode(h.db);
    expect((await garbage(code)).status).toBe(400); // a live code: the body is read, and refused
  });

  it("a code delivers exactly one submission; a second upload with it is refused", async () => {
    const { code, expiresAt } = await createPairingCode(h.db);
    expect(code).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}$/);
    expect(expiresAt.getTime() - Date.now()).toBeGreaterThan(590_000);
    const first = makeSubmission({ workloads: 2 });
    const r1 = await post(first, code.toLowerCase()); // typed on a phone: case and dash do not matter
    expect(r1.status).toBe(201);
    const [row] = await h.db.select().from(pairingCodes).where(eq(pairingCodes.codeHash, codeHash(code.replace("-", ""))));
    expect(row).toMatchObject({ submissionId: first.submissionId });
    // stored as an HMAC keyed by the server secret, not a plain sha256 anyone could test codes against
    expect(row!.codeHash).not.toBe(createHash("sha256").update(code.replace("-", "")).digest("hex"));
    expect(row!.usedAt).not.toBeNull();
    // the phone retries the same submission (it never got the answer): a duplicate, not an error
    const retry = await post(first, code);
    expect(retry.status).toBe(200);
    expect((await retry.json()).status).toBe("duplicate");
    const before = await stored();
    const r2 = await post(makeSubmission({ workloads: 2 }), code);
    expect(r2.status).toBe(401);
    expect((await r2.json()).error.code).toBe("pairing_used");
    expect(await stored()).toBe(before);
  });

  it("an invalid submission does not use up the code", async () => {
    const { code } = await createPairingCode(h.db);
    const bad = { ...makeSubmission({ workloads: 1 }), schemaVersion: 99 };
    const r = await post(bad, code);
    expect(r.status).toBe(400);
    expect((await r.json()).error.code).toBe("invalid_submission");
    expect((await post(makeSubmission({ workloads: 1 }), code)).status).toBe(201);
  });

  it("removes codes that expired more than a day ago, used or not, when it creates one; keeps younger ones", async () => {
    const { code } = await createPairingCode(h.db);
    const hash = codeHash(code.replace("-", ""));
    const used = await createPairingCode(h.db);
    expect((await post(makeSubmission({ workloads: 1 }), used.code)).status).toBe(201);
    const usedHash = codeHash(used.code.replace("-", ""));
    const young = await createPairingCode(h.db);
    const youngHash = codeHash(young.code.replace("-", ""));
    await h.db.update(pairingCodes).set({ expiresAt: new Date(Date.now() - 2 * 86_400_000) }).where(eq(pairingCodes.codeHash, hash));
    await h.db.update(pairingCodes).set({ expiresAt: new Date(Date.now() - 2 * 86_400_000) }).where(eq(pairingCodes.codeHash, usedHash));
    await h.db.update(pairingCodes).set({ expiresAt: new Date(Date.now() - 3_600_000) }).where(eq(pairingCodes.codeHash, youngHash));
    await createPairingCode(h.db);
    expect(await h.db.select().from(pairingCodes).where(eq(pairingCodes.codeHash, hash))).toEqual([]);
    expect(await h.db.select().from(pairingCodes).where(eq(pairingCodes.codeHash, usedHash))).toEqual([]);
    expect(await h.db.select().from(pairingCodes).where(eq(pairingCodes.codeHash, youngHash))).toHaveLength(1);
  });

  it("answers a retry of a delivered submission until a day after the code's expiry, then refuses it", async () => {
    const { code } = await createPairingCode(h.db);
    const hash = codeHash(code.replace("-", ""));
    const sub = makeSubmission({ workloads: 1 });
    expect((await post(sub, code)).status).toBe(201);
    // Expired an hour ago: the phone's retry of the same run is still answered as a duplicate.
    await h.db.update(pairingCodes).set({ expiresAt: new Date(Date.now() - 3_600_000) }).where(eq(pairingCodes.codeHash, hash));
    const retry = await post(sub, code);
    expect(retry.status).toBe(200);
    expect((await retry.json()).status).toBe("duplicate");
    // Past the day: the code is spent for good.
    await h.db.update(pairingCodes).set({ expiresAt: new Date(Date.now() - 86_400_000 - 60_000) }).where(eq(pairingCodes.codeHash, hash));
    const late = await post(sub, code);
    expect(late.status).toBe(401);
    expect((await late.json()).error.code).toBe("pairing_used");
    expect(await claimPairingCode(h.db, code, sub.submissionId)).toEqual({ ok: false, reason: "used" });
  });

  it("refuses expired, unknown and malformed codes, and stores nothing", async () => {
    const { code } = await createPairingCode(h.db, 60);
    await h.db.update(pairingCodes).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(pairingCodes.codeHash, codeHash(code.replace("-", ""))));
    const before = await stored();
    for (const [c, expected] of [
      [code, "pairing_expired"],
      ["ZZZZ-ZZZZ", "pairing_unknown"],
      ["nope", "pairing_malformed"],
    ] as const) {
      const r = await post(makeSubmission({ workloads: 1 }), c);
      expect(r.status).toBe(401);
      expect((await r.json()).error.code).toBe(expected);
    }
    expect(await stored()).toBe(before);
  });

  it("rate-limits paired uploads per client, so one client cannot block the others", async () => {
    const tight = createRateLimiter(1, 2);
    const send = async (ip: string) => {
      const { code } = await createPairingCode(h.db);
      const r = await callApi(
        new Request("http://test/api/v1/submissions", { method: "POST", headers: { "content-type": "application/json", authorization: `Pairing ${code}` }, body: JSON.stringify(makeSubmission({ workloads: 1 })) }),
        h.db, { limiter: tight, clientIp: ip },
      );
      return r.status;
    };
    expect([await send("10.0.0.1"), await send("10.0.0.1"), await send("10.0.0.1")]).toEqual([201, 201, 429]);
    expect(await send("10.0.0.2")).toBe(201);
  });

  it("opens the model catalog of a public server to a live pairing code or a token only", async () => {
    const req = (q = "", auth?: string) => new Request(`http://x/api/v1/browser/models${q}`, { headers: auth ? { authorization: auth } : {} });
    expect((await callApi(req(), h.db)).status).toBe(200); // the owner's dashboard: open
    process.env.TOKENWATT_PUBLIC = "1";
    resetServerEnvForTests();
    try {
      const refused = await callApi(req(), h.db);
      expect(refused.status).toBe(401);
      expect((await refused.json()).error.code).toBe("pairing_required");
      const { code } = await createPairingCode(h.db);
      expect((await callApi(req(`?pair=${code}`), h.db)).status).toBe(200);
      expect((await callApi(req("?pair=ZZZZ-ZZZZ"), h.db)).status).toBe(401);
      const token = await createToken(h.db, `catalog-${kind}`);
      expect((await callApi(req("", `Bearer ${token}`), h.db)).status).toBe(200);
      expect((await callApi(req("", "Bearer nope"), h.db)).status).toBe(401);
      // a used code no longer opens it
      expect((await post(makeSubmission({ workloads: 1 }), code)).status).toBe(201);
      expect((await callApi(req(`?pair=${code}`), h.db)).status).toBe(401);
      // guessing codes through the catalog is budgeted per client address
      const tight = createRateLimiter(60, 3);
      const guess = async (ip: string) => (await callApi(req("?pair=ZZZZ-ZZZZ"), h.db, { limiter: tight, clientIp: ip })).status;
      expect([await guess("10.9.0.1"), await guess("10.9.0.1"), await guess("10.9.0.1"), await guess("10.9.0.1")]).toEqual([401, 401, 401, 429]);
      expect(await guess("10.9.0.2")).toBe(401);
    } finally {
      delete process.env.TOKENWATT_PUBLIC;
      resetServerEnvForTests();
    }
  });

  it("gates web-llm's artifacts as the catalog: a public server's phone needs its code (in the path web-llm builds on), and no link leaves the folder", async () => {
    const root = path.join(serverDataDir(), "webllm");
    fs.mkdirSync(path.join(root, "M-MLC", "resolve", "main"), { recursive: true });
    fs.writeFileSync(path.join(root, "M-MLC", "resolve", "main", "mlc-chat-config.json"), "{}");
    const outside = path.join(serverDataDir(), "secret.txt");
    fs.writeFileSync(outside, "not an artifact");
    fs.rmSync(path.join(root, "escape.json"), { force: true });
    fs.symlinkSync(outside, path.join(root, "escape.json"));
    const get = (p: string) => callApi(new Request(`http://x/api/v1/browser/webllm/${p}`), h.db);
    expect((await get("M-MLC/resolve/main/mlc-chat-config.json")).status).toBe(200); // the owner's dashboard on loopback
    expect((await get("escape.json")).status).toBe(404);
    process.env.TOKENWATT_PUBLIC = "1";
    resetServerEnvForTests();
    try {
      const refused = await get("M-MLC/resolve/main/mlc-chat-config.json");
      expect(refused.status).toBe(401);
      expect((await refused.json()).error.code).toBe("pairing_required");
      const { code } = await createPairingCode(h.db);
      expect((await get(`pair/${code}/M-MLC/resolve/main/mlc-chat-config.json`)).status).toBe(200);
      expect((await get("pair/ZZZZ-ZZZZ/M-MLC/resolve/main/mlc-chat-config.json")).status).toBe(401);
      expect((await get(`pair/${code}/escape.json`)).status).toBe(404);
    } finally {
      delete process.env.TOKENWATT_PUBLIC;
      resetServerEnvForTests();
      for (const p of [path.join(root, "M-MLC"), path.join(root, "escape.json"), outside]) fs.rmSync(p, { recursive: true, force: true });
    }
  });

  it("with --lan, the owner's catalog is open to this machine and the owner's browser; a phone on the LAN needs its pairing code", async () => {
    const req = (q = "", headers: Record<string, string> = {}) => new Request(`http://x/api/v1/browser/models${q}`, { headers });
    const owner = { cookie: `${SESSION_COOKIE}=${createSession(serverDataDir())}` };
    process.env.TOKENWATT_LAN = "1";
    resetServerEnvForTests();
    try {
      const phone = await callApi(req(), h.db, { clientIp: "192.168.1.23" });
      expect(phone.status).toBe(401);
      expect((await phone.json()).error.code).toBe("pairing_required");
      const file = await callApi(new Request("http://x/api/v1/browser/models/0123456789abcdef"), h.db, { clientIp: "192.168.1.23" });
      expect(file.status).toBe(401);
      expect((await callApi(req(), h.db, { clientIp: "127.0.0.1" })).status).toBe(200);
      expect((await callApi(req(), h.db, { clientIp: "::1" })).status).toBe(200);
      expect((await callApi(req("", owner), h.db, { clientIp: "192.168.1.5" })).status).toBe(200);
      expect((await callApi(req("", { cookie: `${SESSION_COOKIE}=forged` }), h.db, { clientIp: "192.168.1.5" })).status).toBe(401);
      const { code } = await createPairingCode(h.db);
      expect((await callApi(req(`?pair=${code}`), h.db, { clientIp: "192.168.1.23" })).status).toBe(200);
    } finally {
      delete process.env.TOKENWATT_LAN;
      resetServerEnvForTests();
    }
  });

  it("with --lan, a paired phone's catalog shows the published native references only; the owner's, private ones too", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tw-catalog-"));
    fs.symlinkSync(path.resolve("../shared/models/stories260K.gguf"), path.join(dir, "stories260K.gguf"));
    process.env.TOKENWATT_MODELS_DIR = dir;
    process.env.TOKENWATT_LAN = "1";
    resetServerEnvForTests();
    try {
      const [listed] = (await listBrowserModels()).filter((m) => m.path.endsWith("stories260K.gguf"));
      // A private native CPU run of that very file (not published).
      const s = makeSubmission({ workloads: 2 });
      const parsed = parseSubmission({ ...s, model: { ...listed!.info } });
      if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
      await ingestSubmission(h.db, parsed.submission, null);
      const refsOf = async (q: string, clientIp: string) => {
        const r = await callApi(new Request(`http://x/api/v1/browser/models${q}`), h.db, { clientIp });
        expect(r.status).toBe(200);
        const models = (await r.json()).models as { fileName?: string; native: { deviceId: number }[] }[];
        return models.flatMap((m) => m.native).length;
      };
      expect(await refsOf("", "127.0.0.1")).toBeGreaterThan(0); // the owner, on this machine
      const { code } = await createPairingCode(h.db);
      expect(await refsOf(`?pair=${code}`, "192.168.1.23")).toBe(0); // a phone: published ones only, and none is
    } finally {
      delete process.env.TOKENWATT_MODELS_DIR;
      delete process.env.TOKENWATT_LAN;
      resetServerEnvForTests();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("only one of two simultaneous claims wins", async () => {
    const { code } = await createPairingCode(h.db);
    const claims = await Promise.all([claimPairingCode(h.db, code), claimPairingCode(h.db, code), claimPairingCode(h.db, code)]);
    expect(claims.filter((c) => c.ok)).toHaveLength(1);
    expect(claims.filter((c) => !c.ok).map((c) => !c.ok && c.reason)).toEqual(["used", "used"]);
  });

  it("creates codes for the owner's logged-in browser or an admin token only, with a QR code", async () => {
    // Nobody else on the LAN, and no cross-site page (DNS rebinding: a foreign Origin), may mint codes.
    const owner = { cookie: `${SESSION_COOKIE}=${createSession(serverDataDir())}`, origin: "http://localhost:3000", host: "localhost:3000" };
    expect((await callApi(new Request("http://localhost:3000/api/v1/pairing-codes", { method: "POST" }), h.db)).status).toBe(401);
    expect((await callApi(new Request("http://localhost:3000/api/v1/pairing-codes", { method: "POST", headers: { ...owner, origin: "http://evil.example:3000" } }), h.db)).status).toBe(401);
    expect((await callApi(new Request("http://localhost:3000/api/v1/pairing-codes", { method: "POST", headers: { ...owner, cookie: `${SESSION_COOKIE}=forged` } }), h.db)).status).toBe(401);
    const r = await callApi(new Request("http://localhost:3000/api/v1/pairing-codes", { method: "POST", headers: owner }), h.db);
    expect(r.status).toBe(201);
    const j = await r.json();
    expect(j.qrSvg).toMatch(/^<svg/);
    expect(j.runUrl).toMatch(new RegExp(`/run\\?pair=${j.code}$`));
    const bad = await callApi(
      new Request("http://localhost:3000/api/v1/pairing-codes", { method: "POST", headers: { ...owner, "content-type": "application/json" }, body: JSON.stringify({ ttlSeconds: 5 }) }),
      h.db,
    );
    expect(bad.status).toBe(400);
    // At most an hour: a code is for a phone paired while its owner looks at it.
    const ttl = async (ttlSeconds: number) =>
      (await callApi(new Request("http://localhost:3000/api/v1/pairing-codes", { method: "POST", headers: { ...owner, "content-type": "application/json" }, body: JSON.stringify({ ttlSeconds }) }), h.db)).status;
    expect([await ttl(3600), await ttl(3601), await ttl(86_400)]).toEqual([201, 400, 400]);
    await expect(createPairingCode(h.db, 3601)).rejects.toThrow(/10 s to 1 h/);
    process.env.TOKENWATT_PUBLIC = "1";
    resetServerEnvForTests();
    try {
      // a public server has no owner browser: even the session cookie is not enough
      const pub = await callApi(new Request("http://x/api/v1/pairing-codes", { method: "POST", headers: owner }), h.db);
      expect(pub.status).toBe(401);
    } finally {
      delete process.env.TOKENWATT_PUBLIC;
      resetServerEnvForTests();
    }
  });
});

describe("public write budgets", () => {
  it("a client saves at most a few TCO scenarios at once (429 after the burst), and a name with a bidi override is refused", async () => {
    const h = await openTestDb("pglite");
    try {
      const save = (name: string, clientIp = "203.0.113.7") =>
        callApi(new Request("http://t/api/v1/scenarios", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ name, inputs: defaultInputs() }) }), h.db, { clientIp });
      expect((await save("invoice\u202Egnp.exe", "203.0.113.8")).status).toBe(400);
      const statuses = [];
      for (let i = 0; i < 7; i++) statuses.push((await save(`s${i}`)).status);
      expect(statuses.slice(0, 5)).toEqual([201, 201, 201, 201, 201]);
      expect(statuses.slice(5)).toEqual([429, 429]);
      expect((await save("other client", "203.0.113.9")).status).toBe(201);
    } finally {
      await h.drop();
    }
  });

  it.each(DB_KINDS)("on %s, everyone together saves at most SCENARIOS_PER_HOUR scenarios an hour; older ones do not count", async (kind) => {
    const h = await openTestDb(kind);
    try {
      const save = (clientIp: string) =>
        callApi(new Request("http://t/api/v1/scenarios", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ name: "flood", inputs: defaultInputs() }) }), h.db, { clientIp, dbKind: kind });
      await h.db.execute(sql`insert into tco_scenarios (name, inputs, model_version) select 'x' || i, '{}', 'v' from generate_series(1, ${SCENARIOS_PER_HOUR - 1}) i`);
      expect((await save("198.51.100.1")).status).toBe(201);
      const r = await save("198.51.100.2"); // another client, the hour's budget spent
      expect(r.status).toBe(429);
      expect(((await r.json()) as { error: { message: string } }).error.message).toMatch(/at most 600 saved scenarios an hour/);
      expect(Number((await h.db.select({ n: count() }).from(tcoScenarios))[0]!.n)).toBe(SCENARIOS_PER_HOUR);
      await h.db.execute(sql`update tco_scenarios set created_at = now() - interval '61 minutes' where name like 'x%'`);
      expect((await save("198.51.100.3")).status).toBe(201);
    } finally {
      await h.drop();
    }
  });

  it("on PostgreSQL, a client's budget is one across server processes (a bucket in the database)", async () => {
    const h = await openTestDb("postgres");
    const other = await openDb({ databaseUrl: h.url!, maxConnections: 2 }); // a second server process on the same database
    try {
      const save = (db: typeof h.db) =>
        callApi(new Request("http://t/api/v1/scenarios", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ name: "s", inputs: defaultInputs() }) }), db, { clientIp: "192.0.2.44", dbKind: "postgres" });
      const statuses = [];
      for (let i = 0; i < 3; i++) statuses.push((await save(h.db)).status, (await save(other.db)).status);
      expect(statuses).toEqual([201, 201, 201, 201, 201, 429]);
    } finally {
      await other.close();
      await h.drop();
    }
  });
});
