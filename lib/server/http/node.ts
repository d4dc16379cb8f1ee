/**
 * node:http transport for the route table: the production server (bin/server.ts) answers every
 * /api path here, without Next's router, with the client's socket address (rate limits of paired
 * uploads); tests serve the same table on a given database.
 */
import { hostName } from "./owner-access";
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import type { ServerDeps } from "./deps";
import { apiError } from "./http";
import { dispatch } from "./routes";
import { clientAddress } from "./client-address";
import { serverEnv } from "../env";

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
    let request: Request;
    try {
      request = toRequest(req);
    } catch {
      return await send(res, apiError(400, "bad_request", "the request line or headers are not valid"));
    }
    const forwarded = req.headers["x-forwarded-for"];
    const clientIp = clientAddress(req.socket.remoteAddress ?? null, Array.isArray(forwarded) ? forwarded.join(",") : (forwarded ?? null), serverEnv().TOKENWATT_TRUSTED_PROXIES);
    const response = await dispatch(request, deps, { clientIp });
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
