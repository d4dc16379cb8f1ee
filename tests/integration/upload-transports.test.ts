/**
 * The production server answers POST /api/v1/submissions on a path of its own (lib/server/http/node.ts
 * serveUpload: the body read from the socket's stream, the answer written as one buffer, no web
 * Request or Response); the route table answers it under `next dev` and in most tests. Each case is
 * sent both ways on one database, from the same starting state (a fresh rate limiter and parse
 * budget): the same status, JSON body and headers that matter (content-type, retry-after,
 * www-authenticate), and the same rows stored.
 */
import http from "node:http";
import { count } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiDeps } from "../../harness/api";
import { makeSubmission } from "../../harness/fixtures";
import { submissions } from "../../lib/server/db/schema";
import type { ServerDeps } from "../../lib/server/http/deps";
import { startApiServer } from "../../lib/server/http/node";
import { createParseBudget } from "../../lib/server/http/parse-budget";
import { createRateLimiter, createSharedRateLimiter } from "../../lib/server/http/rate-limit";
import { dispatch } from "../../lib/server/http/routes";
import { createToken, revokeToken } from "../../lib/server/store/tokens";
import { DB_KINDS, withTestDb } from "../helpers/db";

interface Answer {
  status: number;
  headers: Record<string, string | null>;
  body: unknown;
}

interface Case {
  name: string;
  path?: string;
  headers: Record<string, string>;
  /** The body; `chunked`: sent without a declared length. */
  body: string;
  chunked?: boolean;
  /** What the deps start with for this case (each transport gets its own, alike). */
  deps?: (d: ServerDeps) => Promise<Partial<ServerDeps>> | Partial<ServerDeps>;
  /** Sent this many times in a row; the last answer is compared. */
  times?: number;
}

const HEADERS = ["content-type", "retry-after", "www-authenticate"];

/** The answer without what differs by design between two posts of a case (each transport posts its own submission id). */
function comparable(a: Answer, ids: string[]): Answer {
  let text = JSON.stringify(a.body);
  for (const id of ids) text = text.replaceAll(id, "<id>");
  return { ...a, body: JSON.parse(text) };
}

/** POST over node:http (not fetch: a refusal before the body is read closes the socket while it is sent). */
function httpPost(url: string, c: Case, body: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${url}${c.path ?? "/api/v1/submissions"}`, { method: "POST", headers: c.chunked ? c.headers : { ...c.headers, "content-length": Buffer.byteLength(body) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (d: Buffer) => chunks.push(d));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        resolve({ status: res.statusCode!, headers: Object.fromEntries(HEADERS.map((h) => [h, (res.headers[h] as string | undefined) ?? null])), body: text ? JSON.parse(text) : null });
      });
    });
    // The server may close the socket after its answer while the rest of a refused body is sent.
    req.on("error", (e) => (e as NodeJS.ErrnoException).code === "EPIPE" || (e as NodeJS.ErrnoException).code === "ECONNRESET" ? undefined : reject(e));
    if (c.chunked) {
      const half = Math.floor(body.length / 2);
      req.write(body.slice(0, half));
      req.end(body.slice(half));
    } else req.end(body);
  });
}

async function routeTablePost(deps: ServerDeps, c: Case, body: string): Promise<Answer> {
  const stream = () =>
    new ReadableStream({
      start(ctl) {
        const half = Math.floor(body.length / 2);
        ctl.enqueue(new TextEncoder().encode(body.slice(0, half)));
        ctl.enqueue(new TextEncoder().encode(body.slice(half)));
        ctl.close();
      },
    });
  const r = await dispatch(
    // A Request made here declares no length of its own (an HTTP client's does): given as node:http gets it.
    new Request(`http://test${c.path ?? "/api/v1/submissions"}`, {
      method: "POST",
      headers: c.chunked ? c.headers : { ...c.headers, "content-length": String(Buffer.byteLength(body)) },
      body: c.chunked ? stream() : body,
      duplex: "half",
    } as RequestInit),
    deps,
    { clientIp: "127.0.0.1" },
  );
  const text = await r.text();
  return { status: r.status, headers: Object.fromEntries(HEADERS.map((h) => [h, r.headers.get(h)])), body: text ? JSON.parse(text) : null };
}

describe.each(DB_KINDS)("uploads answer alike on node:http and through the route table, on %s", (kind) => {
  const h = withTestDb(kind);
  let deps: ServerDeps;
  let server: Awaited<ReturnType<typeof startApiServer>>;
  let token: string;
  let revoked: string;

  beforeAll(async () => {
    deps = apiDeps(h.db);
    server = await startApiServer(deps);
    token = await createToken(h.db, "transports");
    revoked = await createToken(h.db, "transports-revoked");
    await revokeToken(h.db, "transports-revoked");
  });
  afterAll(async () => server?.close());

  // Tokens are named here and made in beforeAll: TOKEN, REVOKED, FRESH (a new token for each transport).
  const json = (auth: string | null = "TOKEN") => ({ "content-type": "application/json", ...(auth ? { authorization: auth.includes(" ") ? auth : `Bearer ${auth}` } : {}) });
  const submission = () => JSON.stringify(makeSubmission({ workloads: 3 }));
  let tokens = 0;
  const cases: Case[] = [
    { name: "stored (201)", headers: json(), body: "" },
    { name: "stored, trailing slash and a query", path: "/api/v1/submissions/?x=1", headers: json(), body: "" },
    { name: "stored, sent without a declared length", headers: json(), body: "", chunked: true },
    { name: "a repeat is a duplicate (200)", headers: json(), body: "", times: 2 },
    { name: "no token (401)", headers: json(null), body: "" },
    { name: "unknown token (401)", headers: json("tw_not_a_real_token"), body: "" },
    { name: "revoked token (403)", headers: json("REVOKED"), body: "" },
    { name: "unknown pairing code (401)", headers: json("Pairing ABCD-EF23"), body: "" },
    { name: "not JSON (415)", headers: { ...json(), "content-type": "text/plain" }, body: "" },
    { name: "over 1 MB, declared (413)", headers: json(), body: JSON.stringify({ padding: "x".repeat(1_100_000) }) },
    { name: "invalid JSON (400)", headers: json(), body: '{"schemaVersion": 1, "x": ' },
    { name: "empty body (400)", headers: json(), body: "EMPTY" },
    { name: "invalid submission (400 with issues)", headers: json(), body: JSON.stringify({ ...makeSubmission(), schemaVersion: 2, workloads: [] }) },
    { name: "rate limited (429)", headers: json(), body: "", times: 2, deps: () => ({ limiter: createRateLimiter(60, 1) }) },
    {
      name: "rate limited by the shared limiter (429)",
      headers: json("FRESH"),
      body: "",
      times: 2,
      deps: (d) => ({ limiter: createSharedRateLimiter(d.db, 60, 1) }),
    },
    { name: "over the parse budget (429)", headers: json(), body: "", deps: () => ({ parseBudget: createParseBudget({ clientMbPerMin: 0.001, clientBurstMb: 0.001, globalMbPerMin: 100, globalBurstMb: 100 }) }) },
  ];

  for (const c of cases) {
    it(c.name, async () => {
      const answers: Answer[] = [];
      const ids: string[] = [];
      for (const transport of ["route table", "node:http"] as const) {
        // Each transport starts from the same state: a fresh limiter and budget, its own submission and token.
        Object.assign(deps, { limiter: createRateLimiter(1e9, 1e9), parseBudget: undefined }, await c.deps?.(deps));
        let auth = c.headers.authorization;
        if (auth === "Bearer TOKEN") auth = `Bearer ${token}`;
        if (auth === "Bearer REVOKED") auth = `Bearer ${revoked}`;
        if (auth === "Bearer FRESH") auth = `Bearer ${await createToken(h.db, `transports-${++tokens}`)}`;
        const headers = auth ? { ...c.headers, authorization: auth } : c.headers;
        let body = c.body === "" ? submission() : c.body === "EMPTY" ? "" : c.body;
        if (c.body === "") ids.push(JSON.parse(body).submissionId);
        const before = (await h.db.select({ n: count() }).from(submissions))[0]!.n;
        let a: Answer | undefined;
        for (let i = 0; i < (c.times ?? 1); i++) a = transport === "route table" ? await routeTablePost(deps, { ...c, headers }, body) : await httpPost(server.url, { ...c, headers }, body);
        body = "";
        const stored = (await h.db.select({ n: count() }).from(submissions))[0]!.n - before;
        answers.push({ ...comparable(a!, ids), headers: { ...comparable(a!, ids).headers, stored: String(stored) } });
      }
      expect(answers[1]).toEqual(answers[0]);
      // Not vacuous: the answers are what the case is about.
      expect(answers[0]!.status).toBe(Number(/\((\d{3})/.exec(c.name)?.[1] ?? 201));
    });
  }
});
