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
 * set cookies. Entries live in an LRU bounded in bytes (lru-cache), one per path, sorted query and
 * Accept-Encoding. Requests for a page whose render is in progress wait for it: a burst after a
 * publish renders each page once per process.
 */
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from "node:http";
import { LRUCache } from "lru-cache";
import { leaderboardQuerySchema } from "../read/leaderboard";

/** Pages anonymous visitors read; every other path goes straight to its handler. */
const CACHEABLE_PATH = /^\/(?:|leaderboard|leaderboard\/browser|compare|search|devices\/\d{1,12}|models\/\d{1,12}|runs\/[0-9a-fA-F-]{36})$/;
/** Request headers of client-side navigation and server actions: those answers are not pages. */
const BYPASS_HEADERS = ["rsc", "next-router-prefetch", "next-router-state-tree", "next-router-segment-prefetch", "next-action", "next-url"];
/** Response headers that belong to one response, not to the page. */
const HOP_HEADERS = new Set(["date", "connection", "keep-alive", "transfer-encoding", "content-length", "x-tokenwatt-cache", "etag", "cache-control"]);
const MAX_URL = 2048;
/** How long a request waits for the same page's render in progress before rendering it itself. */
const WAIT_FOR_RENDER_MS = 10_000;

interface Entry {
  version: number;
  headers: OutgoingHttpHeaders;
  body: Buffer;
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
  [/^\/compare$/, new Set(["devices", "device", "runs", "model", "published"])],
  [/^\/devices\//, new Set(["published"])],
  // Every distinct text is a page of its own; the LRU's byte bound keeps a flood of them from growing it.
  [/^\/search$/, new Set(["q"])],
];
const knownParams = (pathname: string): ReadonlySet<string> => PAGE_PARAMS.find(([re]) => re.test(pathname))?.[1] ?? new Set();

/** The cache key of a request, or null when its answer is not a cacheable page. */
export function pageCacheKey(req: Pick<IncomingMessage, "method" | "url" | "headers">): string | null {
  if (req.method !== "GET" && req.method !== "HEAD") return null;
  if (BYPASS_HEADERS.some((h) => req.headers[h] !== undefined)) return null;
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
  return `${u.pathname}${q ? `?${q}` : ""}\n${String(req.headers["accept-encoding"] ?? "")}`;
}

export function createPageCache(o: PageCacheOptions): PageCache {
  const lru = new LRUCache<string, Entry>({ maxSize: Math.max(1, o.maxBytes), sizeCalculation: (e, k) => e.body.length + k.length + 512 });
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
      if (matches(req.headers["if-none-match"], etag)) {
        s.notModified++;
        res.writeHead(304, { ETag: etag, "Cache-Control": cacheControl, "X-Tokenwatt-Cache": "revalidated" });
        res.end();
        return;
      }
      const serveHit = () => {
        const hit = lru.get(key);
        if (!hit || hit.version !== version) return false;
        s.hits++;
        res.writeHead(200, { ...hit.headers, "Content-Length": hit.body.length, ETag: etag, "Cache-Control": cacheControl, "X-Tokenwatt-Cache": "hit" });
        res.end(req.method === "HEAD" ? undefined : hit.body);
        return true;
      };
      if (serveHit()) return;
      // One render per page and version: requests for a page being rendered wait for it (a burst
      // after a publish renders the leaderboard once, not once per request).
      const flight = inFlight.get(key);
      if (flight && flight.version === version) {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([flight.done, new Promise((r) => (timer = setTimeout(r, WAIT_FOR_RENDER_MS)))]);
        clearTimeout(timer);
        if (serveHit()) return;
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
      capture(res, { ETag: etag, "Cache-Control": cacheControl, "X-Tokenwatt-Cache": "miss" }, (status, headers, body) => {
        if (keep && status === 200 && headers["set-cookie"] === undefined) {
          const kept: OutgoingHttpHeaders = {};
          for (const [k, v] of Object.entries(headers)) if (!HOP_HEADERS.has(k) && v !== undefined) kept[k] = v;
          lru.set(key, { version, headers: kept, body });
        }
        finish();
      });
      render(req, res);
    },
  };
}

function matches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch.split(",").some((t) => t.trim() === etag || t.trim() === "*");
}

/**
 * Lets the handler write as usual and hands over what it wrote when it ends: status, headers and
 * the body exactly as sent (compressed, when the handler compressed it). `override` replaces the
 * handler's own caching headers before anything is sent.
 */
function capture(res: ServerResponse, override: Record<string, string>, done: (status: number, headers: OutgoingHttpHeaders, body: Buffer) => void) {
  const chunks: Buffer[] = [];
  let failed = false;
  const setOverrides = () => {
    if (res.headersSent) return;
    for (const [k, v] of Object.entries(override)) res.setHeader(k, v);
  };
  const take = (chunk: unknown, enc: unknown) => {
    if (chunk == null || typeof chunk === "function") return;
    if (typeof chunk === "string") chunks.push(Buffer.from(chunk, typeof enc === "string" ? (enc as BufferEncoding) : "utf8"));
    else if (chunk instanceof Uint8Array) chunks.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    else failed = true;
  };
  const writeHead = res.writeHead.bind(res) as (...a: unknown[]) => ServerResponse;
  res.writeHead = ((status: number, ...rest: unknown[]) => {
    setOverrides();
    // Headers passed to writeHead win over setHeader's: take the handler's caching headers out.
    const hdrs = rest.find((r) => r && typeof r === "object") as Record<string, unknown> | undefined;
    if (hdrs && !Array.isArray(hdrs)) for (const k of Object.keys(hdrs)) if (["cache-control", "etag"].includes(k.toLowerCase())) delete hdrs[k];
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
