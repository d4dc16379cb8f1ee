/**
 * The public page cache: on a public server (TOKENWATT_PUBLIC=1) the pages anonymous visitors read
 * (home, leaderboards, compare, search, device, model and run pages) are rendered once per version of the published
 * data and served from memory after that. The version is one row in PostgreSQL (`public_version`,
 * drizzle/0020), bumped by every leaderboard refresh (publish, hide) and by triggers when a published
 * device or run changes, so a publish from any process, host or the CLI reaches every process's
 * cache at its next request: nothing is stale and nothing needs a purge.
 *
 * Every cacheable response carries `ETag: W/"<build>-<version>"` and `Cache-Control: public,
 * no-cache` (or `s-maxage` when TOKENWATT_CDN_MAX_AGE_S is set): a browser or a CDN in front asks
 * again with If-None-Match and gets 304 from one indexed read, without rendering.
 *
 * Not cached: anything but GET/HEAD, the React Server Components requests of client navigation
 * (`RSC`, `Next-Router-*` headers), server actions, responses other than 200 and responses that
 * set cookies, and requests of a signed-in admin or contributor (the sign-in cookie). Entries live in
 * an LRU bounded in bytes (lru-cache), one per path, sorted query and origin (the previews'
 * absolute URLs name it). Requests for a page whose render is in progress wait for it: a burst after
 * a publish renders each page once per process.
 *
 * Every response carries the nonce of its own Content-Security-Policy (lib/server/http/csp.ts): an
 * entry keeps the page uncompressed, cut at its render's nonce, and a hit is the page joined with
 * this request's nonce, gzipped when the client takes gzip. A nonce anyone may read from a public
 * page therefore never works in another response (docs/security.md). A 304 carries no CSP, so the
 * browser keeps the policy that came with the body it holds.
 */
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from "node:http";
import { promisify } from "node:util";
import zlib from "node:zlib";
import { LRUCache } from "lru-cache";
import { TOKEN_SESSION_COOKIE } from "../access/token-session";
import { leaderboardQuerySchema } from "../read/leaderboard";
import { nonceOf } from "./csp";

const gzip = promisify(zlib.gzip);
/** How Next's compression may have encoded a rendered page, and how to get the page back. */
const DECODE: Record<string, (b: Buffer) => Promise<Buffer>> = {
  identity: async (b) => b,
  gzip: promisify(zlib.gunzip),
  deflate: promisify(zlib.inflate),
  br: promisify(zlib.brotliDecompress),
};

/** Pages anonymous visitors read; every other path goes straight to its handler. */
const CACHEABLE_PATH = /^\/(?:|leaderboard|leaderboard\/browser|compare|search|devices\/\d{1,12}|models\/\d{1,12}|runs\/[0-9a-fA-F-]{36})$/;
/** Request headers of client-side navigation and server actions: those answers are not pages. */
const BYPASS_HEADERS = ["rsc", "next-router-prefetch", "next-router-state-tree", "next-router-segment-prefetch", "next-action", "next-url"];
/** Response headers that belong to one response, not to the page (the policy: its nonce is this response's). */
const HOP_HEADERS = new Set(["date", "connection", "keep-alive", "transfer-encoding", "content-length", "content-encoding", "content-security-policy", "x-tokenwatt-cache", "etag", "cache-control"]);
const MAX_URL = 2048;
/** zlib's level for pages served from memory: each hit is compressed anew (its nonce is its own); level 1 took 0.8 ms for the 36 kB leaderboard here, level 6 1.9 ms for 11% fewer bytes. */
const GZIP_LEVEL = 1;
/** How long a request waits for the same page's render in progress before rendering it itself. */
const WAIT_FOR_RENDER_MS = 10_000;

interface Entry {
  version: number;
  headers: OutgoingHttpHeaders;
  /** The page, uncompressed, cut at each occurrence of its render's CSP nonce (one part when none). */
  parts: Buffer[];
  /** The nonce its render used; null when the request carried no CSP. */
  nonce: string | null;
  bytes: number;
}

export interface PageCacheOptions {
  /** Bytes of rendered pages kept (bodies and keys). */
  maxBytes: number;
  /** The current version of the published data (one indexed read). */
  version: () => Promise<number>;
  /** The build's id: a deploy changes every page. */
  buildId: string;
  /** Seconds a shared cache (CDN) may serve a page without asking; 0: ask every time (no-cache). */
  cdnMaxAgeS?: number;
}

export interface PageCacheStats {
  hits: number;
  misses: number;
  notModified: number;
  bypassed: number;
  entries: number;
  bytes: number;
}

export interface PageCache {
  /** Serves the request from the cache, or renders it with `render` (and keeps the page when it may). */
  serve(req: IncomingMessage, res: ServerResponse, render: (req: IncomingMessage, res: ServerResponse) => unknown): Promise<void>;
  stats(): PageCacheStats;
}

/** The query parameters each cacheable page reads; any other is left out of the key. */
const PAGE_PARAMS: [RegExp, ReadonlySet<string>][] = [
  [/^\/leaderboard$/, new Set(Object.keys(leaderboardQuerySchema.shape))],
  [/^\/leaderboard\/browser$/, new Set(["workload"])],
  [/^\/compare$/, new Set(["devices", "device", "runs", "model", "published", "q"])],
  [/^\/devices\//, new Set(["published", "page", "series"])],
  // The home page's cursor (older results) and the leaderboard's page (its schema's keys) are pages of their own.
  [/^\/$/, new Set(["before"])],
  [/^\/models\//, new Set(["page"])],
  // Every distinct text is a page of its own; the LRU's byte bound keeps a flood of them from growing it.
  [/^\/search$/, new Set(["q"])],
];
const knownParams = (pathname: string): ReadonlySet<string> => PAGE_PARAMS.find(([re]) => re.test(pathname))?.[1] ?? new Set();

/** The cache key of a request, or null when its answer is not a cacheable page. */
export function pageCacheKey(req: Pick<IncomingMessage, "method" | "url" | "headers">): string | null {
  if (req.method !== "GET" && req.method !== "HEAD") return null;
  if (BYPASS_HEADERS.some((h) => req.headers[h] !== undefined)) return null;
  // A signed-in admin or contributor sees controls an anonymous visitor must not be served.
  if (signedIn(req.headers.cookie)) return null;
  const raw = req.url ?? "/";
  if (raw.length > MAX_URL) return null;
  let u: URL;
  try {
    u = new URL(raw, "http://h");
  } catch {
    return null;
  }
  if (!CACHEABLE_PATH.test(u.pathname)) return null;
  // Only the parameters the page reads make a variant: `/?zz=<random>` is `/` (no cache busting).
  const known = knownParams(u.pathname);
  for (const k of [...u.searchParams.keys()]) if (!known.has(k)) u.searchParams.delete(k);
  u.searchParams.sort();
  const q = u.searchParams.toString();
  // The host (allow-listed by then) and scheme too: a page's previews name its absolute URL (site-url.ts).
  const origin = `${req.headers["x-forwarded-proto"] === "https" ? "https" : "http"}://${String(req.headers.host ?? "").toLowerCase()}`;
  return `${u.pathname}${q ? `?${q}` : ""}\n${origin}`;
}

/** Whether an Accept-Encoding header takes gzip (named, or `*`, with a q above 0). */
export function acceptsGzip(header: string | string[] | undefined): boolean {
  const q = new Map<string, number>();
  for (const part of String(header ?? "").toLowerCase().split(",")) {
    const [name, ...params] = part.trim().split(";");
    const qv = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
    if (name) q.set(name.trim(), qv === undefined ? 1 : Number(qv));
  }
  return (q.get("gzip") ?? q.get("*") ?? 0) > 0;
}

/** A Vary header that names Accept-Encoding (a hit's encoding follows the client's). */
function withAcceptEncoding(vary: OutgoingHttpHeaders[string]): string {
  const names = String(vary ?? "").split(",").map((v) => v.trim()).filter(Boolean);
  return names.some((n) => n.toLowerCase() === "accept-encoding") ? names.join(", ") : [...names, "Accept-Encoding"].join(", ");
}

/** The page cut at each occurrence of `nonce`. */
function cut(body: Buffer, nonce: string | null): Buffer[] {
  if (!nonce) return [body];
  const parts: Buffer[] = [];
  let from = 0;
  for (let i = body.indexOf(nonce); i >= 0; i = body.indexOf(nonce, from)) {
    parts.push(body.subarray(from, i));
    from = i + nonce.length;
  }
  parts.push(body.subarray(from));
  return parts;
}

/** The page of an entry with `nonce` where its render's was. */
function joined(e: Entry, nonce: string | null): Buffer {
  const n = Buffer.from(nonce ?? e.nonce ?? "");
  return Buffer.concat(e.parts.flatMap((p, i) => (i === 0 ? [p] : [n, p])));
}

const signedIn = (cookie: string | undefined) => cookie != null && cookie.split(";").some((c) => c.trim().startsWith(`${TOKEN_SESSION_COOKIE}=`));

export function createPageCache(o: PageCacheOptions): PageCache {
  const lru = new LRUCache<string, Entry>({ maxSize: Math.max(1, o.maxBytes), sizeCalculation: (e, k) => e.bytes + k.length + 512 });
  const s = { hits: 0, misses: 0, notModified: 0, bypassed: 0 };
  const inFlight = new Map<string, { version: number; done: Promise<void> }>();
  const cacheControl = o.cdnMaxAgeS ? `public, max-age=0, s-maxage=${o.cdnMaxAgeS}, must-revalidate` : "public, no-cache";
  const etagOf = (version: number) => `W/"${o.buildId}-${version}"`;

  return {
    stats: () => ({ ...s, entries: lru.size, bytes: lru.calculatedSize }),
    async serve(req, res, render) {
      const key = pageCacheKey(req);
      if (!key) {
        s.bypassed++;
        render(req, res);
        return;
      }
      let version: number;
      try {
        version = await o.version();
      } catch {
        // The database is unreachable: render, which answers with the app's own error page.
        s.bypassed++;
        render(req, res);
        return;
      }
      const etag = etagOf(version);
      const nonce = nonceOf(req.headers["content-security-policy"]);
      if (matches(req.headers["if-none-match"], etag)) {
        s.notModified++;
        // The client keeps the body it has and that body's policy: a new nonce here would be
        // merged into its stored headers and block the stored page's scripts.
        res.removeHeader("Content-Security-Policy");
        res.writeHead(304, { ETag: etag, "Cache-Control": cacheControl, "X-Tokenwatt-Cache": "revalidated" });
        res.end();
        return;
      }
      const serveHit = async () => {
        const hit = lru.get(key);
        if (!hit || hit.version !== version) return false;
        s.hits++;
        const page = joined(hit, nonce);
        const zipped = acceptsGzip(req.headers["accept-encoding"]);
        const body = zipped ? await gzip(page, { level: GZIP_LEVEL }) : page;
        const { vary, ...kept } = hit.headers;
        res.writeHead(200, {
          ...kept,
          ...(zipped ? { "Content-Encoding": "gzip" } : {}),
          // Next's Vary (RSC and router headers: the same URL also answers client navigation) and ours.
          Vary: withAcceptEncoding(vary),
          "Content-Length": body.length,
          ETag: etag,
          "Cache-Control": cacheControl,
          "X-Tokenwatt-Cache": "hit",
        });
        res.end(req.method === "HEAD" ? undefined : body);
        return true;
      };
      if (await serveHit()) return;
      // One render per page and version: requests for a page being rendered wait for it (a burst
      // after a publish renders the leaderboard once, not once per request).
      const flight = inFlight.get(key);
      if (flight && flight.version === version) {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([flight.done, new Promise((r) => (timer = setTimeout(r, WAIT_FOR_RENDER_MS)))]);
        clearTimeout(timer);
        if (await serveHit()) return;
      }
      s.misses++;
      const keep = req.method === "GET";
      let finish = () => {};
      if (keep && inFlight.get(key)?.version !== version) {
        let resolve!: () => void;
        const done = new Promise<void>((r) => (resolve = r));
        inFlight.set(key, { version, done });
        finish = () => {
          if (inFlight.get(key)?.done === done) inFlight.delete(key);
          resolve();
        };
        // A render that fails or whose client goes away releases its waiters too.
        res.once("close", finish);
      }
      capture(res, { ETag: etag, "Cache-Control": cacheControl }, (status, headers, body) => {
        const decode = DECODE[String(headers["content-encoding"] ?? "identity").toLowerCase()];
        if (!keep || status !== 200 || headers["set-cookie"] !== undefined || !decode) return finish();
        const kept: OutgoingHttpHeaders = {};
        for (const [k, v] of Object.entries(headers)) if (!HOP_HEADERS.has(k) && v !== undefined) kept[k] = v;
        decode(body).then(
          (page) => lru.set(key, { version, headers: kept, parts: cut(page, nonce), nonce, bytes: page.length }),
          () => {}, // a body that does not decode is not kept
        ).finally(finish);
      });
      render(req, res);
    },
  };
}

/**
 * Whether If-None-Match names this version's ETag. `*` is not taken: it means "any current
 * representation", which a path that answers 404 has not, and the cache cannot tell without rendering.
 */
function matches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch.split(",").some((t) => t.trim() === etag);
}

/**
 * Lets the handler write as usual and hands over what it wrote when it ends: status, headers and
 * the body exactly as sent (compressed, when the handler compressed it). `caching` (the ETag and the
 * shared Cache-Control) replaces the handler's own caching headers before anything is sent, on a 200
 * without a cookie only: an error page or a 404 shared by a CDN for `s-maxage` would outlive its cause,
 * and a page that sets a cookie is one reader's; those keep the handler's own (Next: no-store).
 */
function capture(res: ServerResponse, caching: Record<string, string>, done: (status: number, headers: OutgoingHttpHeaders, body: Buffer) => void) {
  const chunks: Buffer[] = [];
  let failed = false;
  const shareable = (status: number, headers?: Record<string, unknown>) =>
    status === 200 && !res.hasHeader("set-cookie") && !Object.keys(headers ?? {}).some((k) => k.toLowerCase() === "set-cookie");
  const setOverrides = (status = res.statusCode, headers?: Record<string, unknown>) => {
    if (res.headersSent) return false;
    res.setHeader("X-Tokenwatt-Cache", "miss");
    if (!shareable(status, headers)) return false;
    for (const [k, v] of Object.entries(caching)) res.setHeader(k, v);
    return true;
  };
  const take = (chunk: unknown, enc: unknown) => {
    if (chunk == null || typeof chunk === "function") return;
    if (typeof chunk === "string") chunks.push(Buffer.from(chunk, typeof enc === "string" ? (enc as BufferEncoding) : "utf8"));
    else if (chunk instanceof Uint8Array) chunks.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    else failed = true;
  };
  const writeHead = res.writeHead.bind(res) as (...a: unknown[]) => ServerResponse;
  res.writeHead = ((status: number, ...rest: unknown[]) => {
    const given = rest.find((r) => r && typeof r === "object") as Record<string, unknown> | undefined;
    const hdrs = given && !Array.isArray(given) ? given : undefined;
    // Headers passed to writeHead win over setHeader's: take the handler's caching headers out where ours apply.
    if (setOverrides(status, hdrs) && hdrs) for (const k of Object.keys(hdrs)) if (["cache-control", "etag"].includes(k.toLowerCase())) delete hdrs[k];
    return writeHead(status, ...rest);
  }) as typeof res.writeHead;
  const write = res.write.bind(res) as (...a: unknown[]) => boolean;
  res.write = ((chunk: unknown, ...rest: unknown[]) => {
    setOverrides();
    take(chunk, rest[0]);
    return write(chunk, ...rest);
  }) as typeof res.write;
  const end = res.end.bind(res) as (...a: unknown[]) => ServerResponse;
  res.end = ((chunk?: unknown, ...rest: unknown[]) => {
    setOverrides();
    take(chunk, rest[0]);
    const r = end(chunk, ...rest);
    if (!failed && !res.destroyed) done(res.statusCode, res.getHeaders(), Buffer.concat(chunks));
    return r;
  }) as typeof res.end;
}
