/**
 * The owner's dashboard on a real server (bin/server.ts): it listens on loopback, pages need
 * the owner's login, foreign Host names (DNS rebinding) get 421, every response forbids framing,
 * and hostile input gets a 4xx without a write or a flood of log.
 */
import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type RunningServer } from "../../harness/server";
import { makeSubmission } from "../../harness/fixtures";

/** A raw request with any Host header (fetch cannot set one). */
function raw(url: string, o: { method?: string; host?: string; headers?: Record<string, string>; body?: string } = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: u.hostname, port: u.port, path: u.pathname + u.search, method: o.method ?? "GET", headers: { host: o.host ?? u.host, ...o.headers } }, (res) => {
      let body = "";
      res.on("data", (d) => (body += d));
      res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on("error", reject);
    req.end(o.body);
  });
}

describe("owner access on the real server", () => {
  let srv: RunningServer;
  beforeAll(async () => {
    srv = await startServer();
  }, 300_000);
  afterAll(async () => srv?.stop());

  it("listens on loopback only and prints a login URL on the owner's own *.localhost name, and on 127.0.0.1", async () => {
    expect(srv.output()).toMatch(/listening on http:\/\/127\.0\.0\.1:\d+ \(this machine only/);
    expect(srv.loginUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/login\?code=[A-Za-z0-9_-]{43}$/);
    const own = new URL(srv.ownHostLoginUrl);
    expect(own.hostname).toMatch(new RegExp(`^tw-${own.port}-[0-9a-f]{16}\\.localhost$`));
    expect(own.port).toBe(new URL(srv.url).port);
    expect(own.search).toBe(new URL(srv.loginUrl).search);
    // The Host allow-list takes that one *.localhost name, no other.
    expect((await raw(`${srv.url}/api/health`, { host: own.host })).status).toBe(200);
    for (const host of [`tw-${own.port}-0000000000000000.localhost:${own.port}`, `x.localhost:${own.port}`, `${own.hostname}.evil.example`]) expect((await raw(`${srv.url}/api/health`, { host })).status, host).toBe(421);
  });

  it("pages need the owner's login; a wrong code is refused; the cookie is httpOnly and SameSite=Strict", async () => {
    for (const p of ["/", "/agents", "/runs/00000000-0000-4000-8000-000000000000", "/run", "/tco"]) {
      const r = await raw(`${srv.url}${p}`);
      expect(r.status, p).toBe(401);
      expect(r.body).toContain("belongs to its owner");
    }
    expect((await raw(`${srv.url}/login?code=nope`)).status).toBe(403);
    const login = await raw(srv.loginUrl);
    expect(login.status).toBe(303);
    expect(String(login.headers["set-cookie"])).toMatch(/^tw_session=[A-Za-z0-9_-]+; HttpOnly; SameSite=Strict; Path=\//);
    expect((await raw(`${srv.url}/`, { headers: { cookie: srv.ownerCookie } })).status).toBe(200);
    // A phone with a pairing code reaches /run without the owner's cookie; the API authenticates itself.
    expect((await raw(`${srv.url}/run?pair=ABCD-EFGH`)).status).toBe(200);
    expect((await raw(`${srv.url}/api/health`)).status).toBe(200);
  });

  it("refuses foreign Host names (DNS rebinding) on pages and API alike, even with the owner's cookie", async () => {
    for (const p of ["/", "/api/health", "/api/v1/pairing-codes"]) {
      const r = await raw(`${srv.url}${p}`, { method: p.includes("pairing") ? "POST" : "GET", host: "evil.example:3000", headers: { cookie: srv.ownerCookie, origin: "http://evil.example:3000" } });
      expect(r.status, p).toBe(421);
    }
    expect((await raw(`${srv.url}/api/health`, { host: `localhost:${new URL(srv.url).port}` })).status).toBe(200);
  });

  it("mints pairing codes for the owner's browser only", async () => {
    const origin = srv.url;
    expect((await raw(`${srv.url}/api/v1/pairing-codes`, { method: "POST", headers: { origin } })).status).toBe(401);
    expect((await raw(`${srv.url}/api/v1/pairing-codes`, { method: "POST", headers: { origin: "http://evil.example", cookie: srv.ownerCookie } })).status).toBe(401);
    expect((await raw(`${srv.url}/api/v1/pairing-codes`, { method: "POST", headers: { origin, cookie: srv.ownerCookie } })).status).toBe(201);
  });

  it("serves the agents API on the production server (GET with an admin token, 405 for a wrong method), and routes by path whatever the Host", async () => {
    const { execFileSync } = await import("node:child_process");
    const admin = execFileSync(process.execPath, ["bin/tokenwatt.mjs", "token", "create", "--name", "sec-admin", "--role", "admin"], { env: srv.env, encoding: "utf8" }).trim().split("\n").pop()!;
    const auth = { authorization: `Bearer ${admin}` };
    const list = await raw(`${srv.url}/api/v1/agents`, { headers: auth });
    expect(list.status).toBe(200);
    expect(JSON.parse(list.body)).toEqual({ agents: [] });
    expect((await raw(`${srv.url}/api/v1/agents`, { method: "HEAD", headers: auth })).status).toBe(200);
    expect((await raw(`${srv.url}/api/v1/agents/register`, { headers: auth })).status).toBe(405);
    // a Host that smuggles a path is refused (421), never routed by it
    expect((await raw(`${srv.url}/api/v1/agents/heartbeat`, { method: "POST", host: "x/api/v1/agents/jobs?", headers: auth })).status).toBe(421);
  });

  it("sends the security headers on every response", async () => {
    for (const p of ["/", "/api/health", "/login?code=x"]) {
      const r = await raw(`${srv.url}${p}`, { headers: { cookie: srv.ownerCookie } });
      expect(r.headers["content-security-policy"], p).toContain("frame-ancestors 'none'");
      expect(r.headers["x-frame-options"], p).toBe("DENY");
      expect(r.headers["x-content-type-options"], p).toBe("nosniff");
      expect(r.headers["referrer-policy"], p).toBe("no-referrer");
    }
  });

  it("answers a NUL byte in a submission with 400, writes nothing, and logs no body", async () => {
    const { execFileSync } = await import("node:child_process");
    const token = execFileSync(process.execPath, ["bin/tokenwatt.mjs", "token", "create", "--name", "sec-runner"], { env: srv.env, encoding: "utf8" }).trim().split("\n").pop()!;
    const s = makeSubmission() as any;
    s.runner.name = "tokenwatt-test";
    s.device.model = "nul\u0000here";
    s.model.source = "x".repeat(400);
    const before = srv.output().length;
    const r = await fetch(`${srv.url}/api/v1/submissions`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify(s) });
    expect(r.status).toBe(400);
    expect(JSON.stringify(await r.json())).toMatch(/control characters/);
    // the owner sees every result, private ones included: none was written
    const owner = (await import("node:fs")).readFileSync(`${srv.dataDir}/owner-credential`, "utf8").trim();
    const listed = await (await fetch(`${srv.url}/api/v1/results?limit=10`, { headers: { authorization: `Bearer ${owner}` } })).json();
    expect(listed.results).toEqual([]);
    expect(srv.output().length - before).toBeLessThan(2000);
    // a NUL in a query filter and an id beyond 32 bits: 400, not 500
    expect((await fetch(`${srv.url}/api/v1/results?model=a%00b`)).status).toBe(400);
    expect((await fetch(`${srv.url}/api/v1/results?device=2147483648`)).status).toBe(400);
    expect((await fetch(`${srv.url}/api/v1/public/leaderboard?model=a%00b`)).status).toBe(400);
  });
  it("ends a session at logout, and every session and the old login URL with login-url --rotate", async () => {
    const { execFileSync } = await import("node:child_process");
    const login = async () => String((await raw(srv.loginUrl)).headers["set-cookie"]).split(";")[0]!;
    const a = await login();
    const b = await login();
    expect(a).not.toBe(b);
    expect((await raw(`${srv.url}/`, { headers: { cookie: a } })).status).toBe(200);
    expect((await raw(`${srv.url}/logout`, { headers: { cookie: a } })).status).toBe(200);
    expect((await raw(`${srv.url}/`, { headers: { cookie: a } })).status).toBe(401);
    expect((await raw(`${srv.url}/`, { headers: { cookie: b } })).status).toBe(200);
    const fresh = execFileSync(process.execPath, ["bin/tokenwatt.mjs", "login-url", "--rotate"], { env: srv.env, encoding: "utf8" }).trim();
    expect((await raw(`${srv.url}/`, { headers: { cookie: b } })).status).toBe(401);
    expect((await raw(srv.loginUrl)).status).toBe(403);
    // On the owner's own name, which the rotation changed too; the server answers to the new one.
    expect(fresh).toMatch(/^http:\/\/tw-\d+-[0-9a-f]{16}\.localhost:\d+\/login\?code=[A-Za-z0-9_-]{43}$/);
    expect(new URL(fresh).host).not.toBe(new URL(srv.ownHostLoginUrl).host);
    expect(new URL(fresh).search).not.toBe(new URL(srv.loginUrl).search);
    expect((await raw(`${srv.url}/api/health`, { host: new URL(srv.ownHostLoginUrl).host })).status).toBe(421);
    const c = String((await raw(`${srv.url}/login${new URL(fresh).search}`, { host: new URL(fresh).host })).headers["set-cookie"]).split(";")[0]!;
    expect((await raw(`${srv.url}/`, { headers: { cookie: c } })).status).toBe(200);
  });
});
