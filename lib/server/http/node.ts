/**
 * node:http transport for the route table: the production server (bin/server.ts) answers every
 * /api path here, without Next's router, with the client's socket address (rate limits of paired
 * uploads); tests serve the same table on a given database. Uploads (POST /api/v1/submissions), the
 * hot path, skip the web Request and Response the table works on (`serveUpload`), with the same logic.
 */
import { hostName } from "./owner-access";
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import type { ServerDeps } from "./deps";
import { apiError, readJsonBody, type JsonBodySource } from "./http";
import { dispatch } from "./routes";
import { acceptUpload, answerOf } from "../api/submissions";
import { budgetKeyOf } from "./parse-budget";
import { errorResponse } from "./refusals";
import { clientAddress } from "./client-address";
import { serverEnv } from "../env";

const SUBMISSIONS_PATH = "/api/v1/submissions";

export function toRequest(req: IncomingMessage): Request {
  const headers = new Headers();
  for (const [k, v] of Object.entries(req.headers)) {
    if (typeof v === "string") headers.set(k, v);
    else if (Array.isArray(v)) for (const x of v) headers.append(k, x);
  }
  const hasBody = req.method !== "GET" && req.method !== "HEAD";
  // The route comes from the request line only: a Host that is not a plain host[:port] (say
  // "x/api/v1/agents/jobs?") must not change the path.
  const host = hostName(req.headers.host) ? req.headers.host! : "localhost";
  return new Request(new URL(req.url ?? "/", `http://${host}`), {
    method: req.method,
    headers,
    body: hasBody ? (Readable.toWeb(req) as ReadableStream) : undefined,
    duplex: "half",
  } as RequestInit);
}

export async function send(res: ServerResponse, r: Response): Promise<void> {
  res.statusCode = r.status;
  r.headers.forEach((v, k) => res.setHeader(k, v));
  if (!r.body) return void res.end();
  for await (const chunk of r.body as unknown as AsyncIterable<Uint8Array>) {
    if (!res.write(chunk)) await new Promise((ok) => res.once("drain", ok));
  }
  res.end();
}

/** Serves one API request from node:http through the route table. */
export async function serveApi(req: IncomingMessage, res: ServerResponse, deps: ServerDeps | (() => Promise<ServerDeps>)): Promise<void> {
  try {
    if (req.method === "POST" && isUploadPath(req.url)) return await serveUpload(req, res, deps);
    let request: Request;
    try {
      request = toRequest(req);
    } catch {
      return await send(res, apiError(400, "bad_request", "the request line or headers are not valid"));
    }
    const response = await dispatch(request, deps, { clientIp: clientIpOf(req) });
    // A refusal sent before the body was read (401, 413, 429) leaves the rest of it on the socket:
    // close the connection rather than let a keep-alive client send its next request after it.
    if (!req.complete) res.setHeader("connection", "close");
    await send(res, response);
  } catch (e) {
    console.error("[tokenwatt] API transport failed:", (e as Error).message);
    if (!res.headersSent) res.writeHead(500).end();
    else res.destroy();
  }
}

function clientIpOf(req: IncomingMessage): string | null {
  const forwarded = req.headers["x-forwarded-for"];
  return clientAddress(req.socket.remoteAddress ?? null, Array.isArray(forwarded) ? forwarded.join(",") : (forwarded ?? null), serverEnv().TOKENWATT_TRUSTED_PROXIES);
}

/**
 * POST /api/v1/submissions as the route table matches it: the path, trailing slashes allowed, any
 * query. A path the URL parser would rewrite (dot segments, escapes) is not this one and goes the
 * general way, which answers it as before.
 */
function isUploadPath(url: string | undefined): boolean {
  if (!url) return false;
  const q = url.indexOf("?");
  const p = q < 0 ? url : url.slice(0, q);
  return p.startsWith(SUBMISSIONS_PATH) && /^\/*$/.test(p.slice(SUBMISSIONS_PATH.length));
}

/**
 * Uploads, the API's hot path, without the web Request and Response the route table works on
 * (docs/scale.md, "Ingest"): the body is read straight from the socket's stream and the answer
 * written as one buffer. The handler's logic is the route's own (api/submissions.ts acceptUpload):
 * the same caller check, rate limit, parse budget, validation and answers; refusals are the same
 * Responses, sent as the general path sends them.
 */
async function serveUpload(req: IncomingMessage, res: ServerResponse, deps: ServerDeps | (() => Promise<ServerDeps>)): Promise<void> {
  let answer: Response;
  try {
    const d = typeof deps === "function" ? await deps() : deps;
    const authorization = req.headers.authorization ?? null;
    const clientIp = clientIpOf(req);
    const budget = d.parseBudget;
    const clientKey = budget ? budgetKeyOf(authorization, clientIp) : "";
    const r = await acceptUpload({ authorization, clientIp, json: (max) => readJsonBody(incomingBody(req, (bytes) => budget?.charge(clientKey, bytes) ?? null), max) }, d);
    if (!(r instanceof Response)) {
      const a = answerOf(r);
      const body = JSON.stringify(a.body);
      res.writeHead(a.status, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
      return void res.end(body);
    }
    answer = r;
  } catch (e) {
    answer = errorResponse(e);
  }
  // As serveApi: a refusal sent before the body was read closes the connection.
  if (!req.complete) res.setHeader("connection", "close");
  await send(res, answer);
}

/** An IncomingMessage's body as readJsonBody reads it. */
function incomingBody(req: IncomingMessage, charge: JsonBodySource["charge"]): JsonBodySource {
  // Made on the first read: an iterator starts reading the stream, and a body refused by its headers is never read.
  let chunks: AsyncIterator<Buffer> | null = null;
  const next = () => (chunks ??= req[Symbol.asyncIterator]() as AsyncIterator<Buffer>).next();
  return {
    header: (name) => req.headers[name] ?? null,
    readAll: async () => {
      const parts: Buffer[] = [];
      for (let c = await next(); !c.done; c = await next()) parts.push(c.value);
      return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
    },
    nextChunk: async () => {
      const c = await next();
      return c.done ? null : c.value;
    },
    // As a web stream's cancel does to the IncomingMessage under a Request (Readable.toWeb).
    cancel: async () => void req.destroy(),
    charge,
  };
}

/** The API alone over real HTTP on `deps` (tests and the fleet simulation). */
export async function startApiServer(deps: ServerDeps, port = 0) {
  let requests = 0;
  const server = http.createServer((req, res) => {
    requests++;
    void serveApi(req, res, deps);
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((r) => server.listen(port, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests: () => requests,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
