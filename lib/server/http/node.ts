/**
 * Adapter from node:http to the framework-free ingest handler, for the production server's hot
 * path (scripts/server.mjs). Same handler, same database handle (cached on globalThis) and same
 * rate limiter as the App Router route.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { Readable } from "node:stream";
import { serverContext } from "../context";
import { apiError } from "./http";
import { handleSubmissionPost } from "../api/submissions";

export function toRequest(req: IncomingMessage): Request {
  const headers = new Headers();
  for (const [k, v] of Object.entries(req.headers)) {
    if (typeof v === "string") headers.set(k, v);
    else if (Array.isArray(v)) for (const x of v) headers.append(k, x);
  }
  return new Request(`http://${req.headers.host ?? "localhost"}${req.url}`, {
    method: req.method,
    headers,
    body: Readable.toWeb(req) as ReadableStream,
    duplex: "half",
  } as RequestInit);
}

export async function send(res: ServerResponse, r: Response): Promise<void> {
  res.statusCode = r.status;
  r.headers.forEach((v, k) => res.setHeader(k, v));
  res.end(Buffer.from(await r.arrayBuffer()));
}

export async function serveIngest(req: IncomingMessage, res: ServerResponse): Promise<void> {
  try {
    const { db, limiter } = await serverContext();
    await send(res, await handleSubmissionPost(toRequest(req), { db, limiter, clientIp: req.socket.remoteAddress }));
  } catch (e) {
    console.error("[tokenwatt] ingest failed:", e);
    if (!res.headersSent) await send(res, apiError(500, "internal", "internal server error; the request was not applied"));
  }
}
