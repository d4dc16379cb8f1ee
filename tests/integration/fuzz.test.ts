/**
 * Fuzzing the HTTP API (fast-check) through the one route table: valid submissions mutated one field
 * at a time with hostile values, random JSON bodies and random headers on every write endpoint.
 * Properties: never a 5xx; a 4xx writes nothing; the same submission id always gets the same answer.
 * The run counts print with the test (CI-sized: a few hundred requests per database).
 */
import fc from "fast-check";
import { count, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { devices, models, submissions, workloadResults } from "../../lib/server/db/schema";
import { createToken } from "../../lib/server/store/tokens";
import { makeSubmission } from "../../harness/fixtures";
import { DB_KINDS, openTestDb, type TestDb } from "../helpers/db";
import { callApi } from "../../harness/api";
import { ROUTES } from "../../lib/server/http/routes";
import { openJobQueue } from "../../lib/server/fleet/job-queue";
import { rowsOf } from "../../lib/server/db/client";
import { OPERATIONS } from "../../lib/server/ops";
import { OP_INPUTS } from "../helpers/op-inputs";

const RUNS = Number(process.env.FUZZ_RUNS || 120);

/** Values a hostile client would send in place of a field. */
const hostile = fc.oneof(
  fc.constantFrom(null, true, false, 0, -1, 1e308, -1e308, 2 ** 53 + 1, Number.MAX_SAFE_INTEGER, "", "\u0000", "nul\u0000x", "\u202Egnp.exe", "=HYPERLINK(\"x\")", "x".repeat(100_000), [], {}, [null], { $gt: 1 }),
  fc.string({ maxLength: 50 }),
  fc.double(),
  fc.integer(),
  fc.array(fc.integer(), { maxLength: 5 }),
);

/** The paths of every leaf and object of a value. */
function paths(v: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (v === null || typeof v !== "object") return [prefix];
  const out: (string | number)[][] = prefix.length ? [prefix] : [];
  for (const [k, x] of Object.entries(v)) out.push(...paths(x, [...prefix, Array.isArray(v) ? Number(k) : k]));
  return out;
}

function setAt(obj: any, path: (string | number)[], value: unknown) {
  let o = obj;
  for (const k of path.slice(0, -1)) o = o[k];
  o[path[path.length - 1]!] = value;
}

describe.each(DB_KINDS)("HTTP API fuzz on %s", (kind) => {
  let h: TestDb;
  let token: string;
  const template = makeSubmission({ workloads: 2 });
  const allPaths = paths(template);
  beforeAll(async () => {
    h = await openTestDb(kind);
    token = await createToken(h.db, `fuzz-${kind}`);
  });
  afterAll(async () => h?.drop());

  const rows = async () => {
    const [s] = await h.db.select({ n: count() }).from(submissions);
    const [d] = await h.db.select({ n: count() }).from(devices);
    const [m] = await h.db.select({ n: count() }).from(models);
    const [w] = await h.db.select({ n: count() }).from(workloadResults);
    return `${s!.n}/${d!.n}/${m!.n}/${w!.n}`;
  };
  const post = (body: string, headers: Record<string, string> = {}) =>
    callApi(new Request("http://t/api/v1/submissions", { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json", ...headers }, body }), h.db);

  it("a submission mutated one field at a time: never a 5xx, nothing written on a 4xx, the same answer for the same id", async () => {
    const tally: Record<string, number> = {};
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...allPaths), hostile, async (path, value) => {
        const s = structuredClone(template) as any;
        s.submissionId = crypto.randomUUID();
        setAt(s, path, value);
        const before = await rows();
        const r = await post(JSON.stringify(s));
        tally[r.status] = (tally[r.status] ?? 0) + 1;
        expect(r.status, `${path.join(".")} = ${JSON.stringify(value)?.slice(0, 80)}`).toBeLessThan(500);
        if (r.status >= 400) expect(await rows()).toBe(before);
        else {
          const again = await post(JSON.stringify(s));
          expect(again.status).toBe(200); // duplicate: the same submission, stored once
          expect(((await again.json()) as { status: string }).status).toBe("duplicate");
        }
      }),
      { numRuns: RUNS },
    );
    console.log(`[fuzz ${kind}] ${RUNS} mutated submissions: ${JSON.stringify(tally)}`);
  }, 300_000);

  it("random JSON bodies and headers on every write endpoint: never a 5xx, nothing written", async () => {
    // Every POST route of the table without path parameters (the operations' routes included).
    const endpoints = ROUTES.filter((r) => r.method === "POST" && !/[:*]/.test(r.path)).map((r) => r.path);
    const tally: Record<string, number> = {};
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...endpoints),
        fc.oneof(fc.json(), fc.string({ maxLength: 200 }), fc.constant("\u0000")),
        fc.dictionary(fc.constantFrom("authorization", "content-type", "x-forwarded-for", "cookie", "origin"), fc.string({ maxLength: 60 }).filter((v) => !/[\r\n\u0000]/.test(v) && /^[\x20-\x7e]*$/.test(v)), { maxKeys: 3 }),
        fc.boolean(),
        async (path, body, headers, withToken) => {
          const before = await rows();
          // half with a valid runner token, so the handlers behind the auth gate are fuzzed too
          // JSON unless the fuzzed headers say otherwise (other types are refused before the handler)
          const sent = { "content-type": "application/json", ...headers, ...(withToken ? { authorization: `Bearer ${token}` } : {}) };
          const r = await callApi(new Request(`http://t${path}`, { method: "POST", headers: sent, body }), h.db);
          tally[r.status] = (tally[r.status] ?? 0) + 1;
          expect(r.status, `${path} ${JSON.stringify(headers)} ${body.slice(0, 80)}`).toBeLessThan(500);
          expect(await rows()).toBe(before);
        },
      ),
      { numRuns: RUNS },
    );
    console.log(`[fuzz ${kind}] ${RUNS} random requests: ${JSON.stringify(tally)}`);
  }, 300_000);

  it("hostile path parameters on every route that has them (ids out of range, not uuids, NUL, malformed percent-encoding): never a 5xx, nothing written", async () => {
    const queue = await openJobQueue(h);
    try {
      const agentToken = await createToken(h.db, `fuzz-path-agent-${kind}`, "agent");
      const admin = await createToken(h.db, `fuzz-path-admin-${kind}`, "admin");
      const reg = await callApi(
        new Request("http://t/api/v1/agents/register", { method: "POST", headers: { authorization: `Bearer ${agentToken}`, "content-type": "application/json" }, body: JSON.stringify({ name: "fuzz", version: "1", device: template.device }) }),
        h.db,
        { queue },
      );
      expect(reg.status).toBe(200);
      const routes = ROUTES.filter((r) => /[:*]/.test(r.path));
      expect(routes.length).toBeGreaterThanOrEqual(5);
      const segment = fc.oneof(
        fc.constantFrom("not-a-uuid", "xyz", "%00", "%ff", "%", "%E0%A4%A", "2147483648", "1099511627776", "99999999999999999999", "-1", "0", "1.5", "..", "%2e%2e", "a%2Fb", "%E2%80%AE", "00000000-0000-4000-8000-000000000000"),
        fc.stringMatching(/^[A-Za-z0-9%._~-]{1,30}$/),
      );
      const tally: Record<string, number> = {};
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...routes), segment, fc.constantFrom(token, agentToken, admin, null), async (route, seg, bearer) => {
          const url = route.path.replace(/:[a-zA-Z]+/g, seg).replace(/\*[a-zA-Z]+/, `${seg}/x.json`);
          const before = await rows();
          const headers: Record<string, string> = { "content-type": "application/json", ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) };
          // A valid-shaped body, so the path parameter is what the handler meets.
          const body = route.path.endsWith("/complete") ? { submissionId: "00000000-0000-4000-8000-000000000000" } : route.path.endsWith("/fail") ? { reason: "fuzz" } : {};
          const r = await callApi(new Request(`http://t${url}`, { method: route.method, headers, ...(route.method === "POST" ? { body: JSON.stringify(body) } : {}) }), h.db, { queue });
          tally[r.status] = (tally[r.status] ?? 0) + 1;
          expect(r.status, `${route.method} ${url}`).toBeLessThan(500);
          expect(await rows()).toBe(before);
        }),
        { numRuns: RUNS },
      );
      console.log(`[fuzz ${kind}] ${RUNS} hostile path parameters on ${routes.length} routes: ${JSON.stringify(tally)}`);
    } finally {
      await queue.close();
    }
  }, 300_000);

  it("every operation's input mutated one field at a time (NUL in strings, out-of-range numbers, not-uuids...), sent by an admin at its route: never a 5xx, a 4xx writes nothing", async () => {
    const admin = await createToken(h.db, `fuzz-ops-admin-${kind}`, "admin");
    const state = async () =>
      JSON.stringify(
        rowsOf(
          await h.db.execute(sql`select (select count(*) from runner_tokens) as t, (select count(*) from contributors) as c, (select count(*) from model_layouts) as l,
            (select count(*) from submissions where published) as p, (select count(*) from devices where display_name is not null) as d,
            (select count(*) from submissions where review_status is not null) as r`),
        ),
      );
    const cases = Object.entries(OP_INPUTS).flatMap(([name, input]) => paths(input).map((p) => ({ name: name as keyof typeof OPERATIONS, input, path: p })));
    const tally: Record<string, number> = {};
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...cases), hostile, async ({ name, input, path }, value) => {
        const op = OPERATIONS[name];
        const body = structuredClone(input) as Record<string, unknown>;
        setAt(body, path, value);
        const url = op.http.path.replace(/:(\w+)/g, (_, k: string) => encodeURIComponent(String(body[k] ?? "x")));
        const before = await state();
        const init: RequestInit = { method: op.http.method, headers: { authorization: `Bearer ${admin}`, "content-type": "application/json" } };
        const r =
          op.http.method === "POST"
            ? await callApi(new Request(`http://t${url}`, { ...init, body: JSON.stringify(body) }), h.db)
            : await callApi(new Request(`http://t${url}?${new URLSearchParams(Object.entries(body).map(([k, v]) => [k, String(v)]))}`, init), h.db);
        tally[r.status] = (tally[r.status] ?? 0) + 1;
        expect(r.status, `${name} ${JSON.stringify(path)} = ${JSON.stringify(value)?.slice(0, 60)}`).toBeLessThan(500);
        if (r.status >= 400) expect(await state(), `${name} ${JSON.stringify(path)}`).toBe(before);
      }),
      { numRuns: RUNS },
    );
    console.log(`[fuzz ${kind}] ${RUNS} hostile operation inputs over ${cases.length} fields of ${Object.keys(OP_INPUTS).length} operations: ${JSON.stringify(tally)}`);
  }, 300_000);

  it("a body a cross-site page could send without a preflight (text/plain, a form, no type) is refused with 415, nothing written", async () => {
    const admin = await createToken(h.db, `fuzz-admin-${kind}`, "admin");
    const valid = JSON.stringify(makeSubmission({ workloads: 1 }));
    let client = 0;
    for (const type of ["text/plain;charset=UTF-8", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", null]) {
      const before = await rows();
      const headers: Record<string, string> = { authorization: `Bearer ${token}` };
      const body = new Blob([valid], type ? { type } : {});
      const r = await callApi(new Request("http://t/api/v1/submissions", { method: "POST", headers, body }), h.db);
      expect(r.status, String(type)).toBe(415);
      expect(((await r.json()) as { error: { code: string } }).error.code).toBe("unsupported_media_type");
      expect(await rows()).toBe(before);
      for (const path of ["/api/v1/admin/publish", "/api/v1/agents/jobs", "/api/v1/scenarios"]) {
        const a = await callApi(new Request(`http://t${path}`, { method: "POST", headers: { authorization: `Bearer ${admin}` }, body: new Blob(["{}"], type ? { type } : {}) }), h.db, {
          clientIp: `10.0.${kind.length}.${++client}`, // the scenarios' per-address budget is not what is tested here
        });
        expect(a.status, `${path} ${type}`).toBe(415);
      }
    }
  });
});
