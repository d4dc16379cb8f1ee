/**
 * The public page cache (lib/server/http/page-cache.ts) in front of a stand-in renderer on a real
 * HTTP server: what it keeps, when it renders again, and what it never serves from memory.
 */
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import zlib from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { acceptsGzip, createPageCache, pageCacheKey, type PageCache } from "../../lib/server/http/page-cache";
import { newNonce, nonceOf, pagePolicy } from "../../lib/server/http/csp";

let version = 1;
let renders = 0;
let cache: PageCache;
let server: http.Server;
let base = "";

/** Renders like Next: headers with setHeader, a streamed body, its own no-store caching header. */
function render(req: IncomingMessage, res: ServerResponse) {
  renders++;
  const u = new URL(req.url!, "http://h");
  const slow = Number(u.searchParams.get("slow") ?? 0);
  if (slow) return void setTimeout(() => finishRender(req, res, u), slow);
  finishRender(req, res, u);
}

function finishRender(req: IncomingMessage, res: ServerResponse, u: URL) {
  res.setHeader("Cache-Control", "private, no-cache, no-store, max-age=0, must-revalidate");
  res.setHeader("Content-Type", "text/html; charset=utf-8");
  res.setHeader("Vary", "RSC, Next-Router-State-Tree");
  if (u.searchParams.get("status")) res.statusCode = Number(u.searchParams.get("status"));
  if (u.searchParams.get("cookie")) res.setHeader("Set-Cookie", "a=b");
  // Like Next: the nonce of the request's CSP on every script, and gzip when asked (?gz=1 here).
  const nonce = nonceOf(req.headers["content-security-policy"]);
  const page = `<p>render ${renders} of ${u.pathname}${u.search} at version ${version}</p>${nonce ? `<script nonce="${nonce}"></script><script nonce="${nonce}" src="/a.js"></script>` : ""}`;
  if (u.searchParams.get("gz")) {
    res.setHeader("Content-Encoding", "gzip");
    return void res.end(zlib.gzipSync(page + "<!-- end -->"));
  }
  res.write(page);
  res.end(Buffer.from("<!-- end -->"));
}

async function get(path: string, headers: Record<string, string> = {}, method = "GET") {
  const r = await fetch(base + path, { headers, method });
  return { status: r.status, cache: r.headers.get("x-tokenwatt-cache"), etag: r.headers.get("etag"), cc: r.headers.get("cache-control"), body: await r.text() };
}

beforeAll(async () => {
  cache = createPageCache({ maxBytes: 4096, version: async () => version, buildId: "build1" });
  // As bin/server.ts's gate does: a fresh nonce in the request's CSP and the response's, when asked for.
  server = http.createServer((req, res) => {
    if (req.headers["x-test-csp"]) {
      const policy = pagePolicy("/", newNonce());
      req.headers["content-security-policy"] = policy;
      res.setHeader("Content-Security-Policy", policy);
    }
    void cache.serve(req, res, render);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe("page cache", () => {
  it("renders a page once per version and serves it from memory in between", async () => {
    const a = await get("/leaderboard?b=2&a=1");
    expect(a).toMatchObject({ status: 200, cache: "miss", etag: 'W/"build1-1"', cc: "public, no-cache" });
    const b = await get("/leaderboard?a=1&b=2"); // same query, other order
    expect(b.cache).toBe("hit");
    expect(b.body).toBe(a.body);
    expect(b.body).toContain("<!-- end -->");
    version = 2;
    const c = await get("/leaderboard?a=1&b=2");
    expect(c.cache).toBe("miss");
    expect(c.etag).toBe('W/"build1-2"');
    expect(c.body).toContain("version 2");
  });

  it("answers a current ETag with 304 without rendering, an old one with the page", async () => {
    const n = renders;
    expect((await get("/devices/7", { "if-none-match": 'W/"build1-2"' })).status).toBe(304);
    expect(renders).toBe(n);
    expect((await get("/devices/7", { "if-none-match": 'W/"build1-1"' })).status).toBe(200);
    expect(renders).toBe(n + 1);
    // "*" (any current representation) is not this page's ETag: a path that answers 404 has none.
    expect((await get("/devices/8?status=404", { "if-none-match": "*" })).status).toBe(404);
    expect(renders).toBe(n + 2);
  });

  it("keeps no error page, no page that sets a cookie, nothing for HEAD; HEAD of a kept page has no body", async () => {
    for (const q of ["/compare?status=500", "/compare?cookie=1"]) {
      expect((await get(q)).cache).toBe("miss");
      expect((await get(q)).cache).toBe("miss");
    }
    expect((await get("/compare?x=head", {}, "HEAD")).cache).toBe("miss");
    expect((await get("/compare?x=head", {}, "HEAD")).cache).toBe("miss");
    await get("/compare?x=head");
    const h = await get("/compare?x=head", {}, "HEAD");
    expect(h).toMatchObject({ cache: "hit", body: "" });
  });

  it("gives only a 200 without a cookie the shared caching headers: an error, a 404 or a cookie keeps the page's own no-store", async () => {
    const cdn = createPageCache({ maxBytes: 4096, version: async () => version, buildId: "build1", cdnMaxAgeS: 60 });
    const s2 = http.createServer((req, res) => void cdn.serve(req, res, render));
    await new Promise<void>((r) => s2.listen(0, "127.0.0.1", r));
    const at = `http://127.0.0.1:${(s2.address() as AddressInfo).port}`;
    try {
      const head = async (q: string) => {
        const r = await fetch(at + q);
        await r.arrayBuffer();
        return { status: r.status, etag: r.headers.get("etag"), cc: r.headers.get("cache-control"), cache: r.headers.get("x-tokenwatt-cache") };
      };
      expect(await head("/devices/51")).toEqual({ status: 200, etag: 'W/"build1-' + version + '"', cc: "public, max-age=0, s-maxage=60, must-revalidate", cache: "miss" });
      // Unknown parameters do not make a variant (pageCacheKey): one path each.
      for (const q of ["/devices/52?status=500", "/devices/53?status=404", "/devices/54?cookie=1"]) {
        const r = await head(q);
        expect(r, q).toMatchObject({ etag: null, cc: "private, no-cache, no-store, max-age=0, must-revalidate", cache: "miss" });
      }
      // Through writeHead as well (the status and headers given there): the same rule.
      const w = http.createServer((req, res) =>
        void cdn.serve(req, res, (_q, r) => {
          r.writeHead(req.url!.endsWith("/55") ? 404 : 200, { "Cache-Control": "no-store", ETag: "x" });
          r.end("page");
        }),
      );
      await new Promise<void>((r) => w.listen(0, "127.0.0.1", r));
      const wat = `http://127.0.0.1:${(w.address() as AddressInfo).port}`;
      try {
        const gone = await fetch(wat + "/devices/55");
        expect([gone.status, gone.headers.get("cache-control"), gone.headers.get("etag")]).toEqual([404, "no-store", "x"]);
        const ok = await fetch(wat + "/devices/56");
        expect([ok.status, ok.headers.get("cache-control"), ok.headers.get("etag")]).toEqual([200, "public, max-age=0, s-maxage=60, must-revalidate", 'W/"build1-' + version + '"']);
      } finally {
        await new Promise<void>((r) => w.close(() => r()));
      }
    } finally {
      await new Promise<void>((r) => s2.close(() => r()));
    }
  });

  it("never serves client navigation, actions or other paths from memory", async () => {
    const n = renders;
    for (const [path, headers] of [["/leaderboard", { rsc: "1" }], ["/leaderboard", { "next-action": "x" }], ["/agents", {}], ["/api/health", {}]] as const) {
      const r = await get(path, headers);
      expect(r.cache).toBeNull();
      expect(r.cc).toContain("no-store");
    }
    expect(renders).toBe(n + 4);
    expect(cache.stats().bypassed).toBeGreaterThanOrEqual(4);
  });

  it("renders a page once for a burst of requests that arrive while it renders", async () => {
    const n = renders;
    const all = await Promise.all(Array.from({ length: 8 }, () => get("/leaderboard?tg=tg64&slow=150")));
    expect(renders).toBe(n + 1);
    expect(all.filter((r) => r.cache === "miss")).toHaveLength(1);
    expect(new Set(all.map((r) => r.body)).size).toBe(1);
  });

  it("evicts the least recently used pages past its size", async () => {
    for (let i = 0; i < 60; i++) await get(`/devices/${100 + i}`);
    expect(cache.stats().bytes).toBeLessThanOrEqual(4096);
    expect((await get("/devices/100")).cache).toBe("miss");
  });

  it("gives every hit the nonce of its own policy, gzipped when asked; a 304 sends no policy", async () => {
    const csp = { "x-test-csp": "1" };
    const got = async (headers: Record<string, string>) => {
      const r = await fetch(`${base}/compare?devices=9`, { headers: { ...csp, ...headers } });
      return { cache: r.headers.get("x-tokenwatt-cache"), policy: r.headers.get("content-security-policy"), encoding: r.headers.get("content-encoding"), etag: r.headers.get("etag"), body: await r.text() };
    };
    const miss = await got({ "accept-encoding": "identity" });
    const hits = [await got({ "accept-encoding": "identity" }), await got({ "accept-encoding": "gzip, br" }), await got({ "accept-encoding": "gzip;q=0" })];
    expect(miss.cache).toBe("miss");
    const nonces = [miss, ...hits].map((r) => nonceOf(r.policy ?? undefined));
    expect(new Set(nonces).size).toBe(4); // a fresh nonce per response
    for (const [i, r] of [miss, ...hits].entries()) {
      // the body's scripts carry the response's own nonce, and no other
      expect(r.body.match(/nonce="([^"]+)"/g)).toEqual([`nonce="${nonces[i]}"`, `nonce="${nonces[i]}"`]);
      expect(r.body.replaceAll(nonces[i]!, "N")).toBe(miss.body.replaceAll(nonces[0]!, "N"));
    }
    expect(hits.map((r) => [r.cache, r.encoding])).toEqual([["hit", null], ["hit", "gzip"], ["hit", null]]);
    // The renderer's Vary is kept (the same URL answers client navigation), with Accept-Encoding.
    expect((await fetch(`${base}/compare?devices=9`)).headers.get("vary")).toBe("RSC, Next-Router-State-Tree, Accept-Encoding");
    const revalidated = await fetch(`${base}/compare?devices=9`, { headers: { ...csp, "if-none-match": miss.etag! } });
    expect(revalidated.status).toBe(304);
    expect(revalidated.headers.get("content-security-policy")).toBeNull();
  });

  it("keeps a page Next compressed as the page itself, served to clients that take gzip or not", async () => {
    const miss = await fetch(`${base}/compare?devices=10&gz=1`, { headers: { "accept-encoding": "gzip" } });
    const page = await miss.text();
    expect(miss.headers.get("x-tokenwatt-cache")).toBe("miss");
    for (const ae of ["identity", "gzip"]) {
      const r = await fetch(`${base}/compare?devices=10&gz=1`, { headers: { "accept-encoding": ae } });
      expect(r.headers.get("x-tokenwatt-cache")).toBe("hit");
      expect(await r.text()).toBe(page);
    }
  });

  it("reads Accept-Encoding's q values", () => {
    expect(["gzip", "br, gzip", "gzip;q=0.5", "*", "deflate, *;q=0.1"].map(acceptsGzip)).toEqual([true, true, true, true, true]);
    expect(["", "identity", "br", "gzip;q=0", "*;q=0", "gzip;q=0, *"].map(acceptsGzip)).toEqual([false, false, false, false, false, false]);
    expect(acceptsGzip(undefined)).toBe(false);
  });

  it("keys by path, sorted query and origin (one entry whatever the encoding); refuses what it cannot key", () => {
    const k = (url: string, headers: Record<string, string> = {}, method = "GET") => pageCacheKey({ url, method, headers });
    expect(k("/leaderboard?tg=tg32&pp=pp64")).toBe(k("/leaderboard?pp=pp64&tg=tg32"));
    // Only the parameters a page reads make a variant: random ones cannot bust the cache.
    expect(k("/leaderboard?tg=tg32&zz=1")).toBe(k("/leaderboard?tg=tg32"));
    expect(k("/leaderboard?tg=tg32")).not.toBe(k("/leaderboard"));
    expect(k("/?zz=8f3a")).toBe(k("/"));
    expect(k("/devices/1?published=1")).not.toBe(k("/devices/1"));
    expect(k("/devices/1?cachebust=2")).toBe(k("/devices/1"));
    // The pages of a paginated page are pages of their own (issue 32 item 5).
    expect(k("/leaderboard?page=2")).not.toBe(k("/leaderboard"));
    expect(k("/devices/1?page=2")).not.toBe(k("/devices/1"));
    expect(k("/?before=1234")).not.toBe(k("/"));
    expect(k("/models/3?page=2")).not.toBe(k("/models/3"));
    expect(k("/compare?devices=1,2&x=y")).toBe(k("/compare?devices=1,2"));
    expect(k("/search?q=ryzen")).not.toBe(k("/search?q=rtx"));
    expect(k("/search?q=ryzen&zz=1")).toBe(k("/search?q=ryzen"));
    expect(k("/leaderboard", { "accept-encoding": "gzip" })).toBe(k("/leaderboard"));
    // Each origin its own entry (previews carry absolute URLs); a forwarded scheme is https or nothing.
    expect(k("/devices/1", { host: "a.example" })).not.toBe(k("/devices/1", { host: "b.example" }));
    expect(k("/devices/1", { host: "a.example", "x-forwarded-proto": "https" })).not.toBe(k("/devices/1", { host: "a.example" }));
    expect(k("/devices/1", { host: "a.example", "x-forwarded-proto": "gopher" })).toBe(k("/devices/1", { host: "a.example" }));
    expect(k("/runs/0b6c3a3e-5f0e-4c1e-9d2a-1f2e3d4c5b6a")).not.toBeNull();
    expect(k("/")).not.toBeNull();
    expect(k("/leaderboard", {}, "POST")).toBeNull();
    expect(k("/devices/abc")).toBeNull();
    expect(k("/run")).toBeNull();
    // A signed-in admin's or contributor's pages carry their controls: never cached, never served from the cache.
    expect(k("/leaderboard", { cookie: "tw_signin=abc" })).toBeNull();
    expect(k("/leaderboard", { cookie: "theme=dark; tw_signin=abc" })).toBeNull();
    expect(k("/leaderboard", { cookie: "theme=dark; not_tw_signin=abc" })).not.toBeNull();
    expect(k(`/leaderboard?x=${"a".repeat(3000)}`)).toBeNull();
  });

  it("renders when the version cannot be read", async () => {
    const broken = createPageCache({ maxBytes: 4096, version: () => Promise.reject(new Error("db down")), buildId: "b" });
    const s = http.createServer((req, res) => void broken.serve(req, res, render));
    await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
    const r = await fetch(`http://127.0.0.1:${(s.address() as AddressInfo).port}/leaderboard`);
    expect(r.status).toBe(200);
    expect(r.headers.get("x-tokenwatt-cache")).toBeNull();
    await new Promise<void>((r2) => s.close(() => r2()));
  });
});
