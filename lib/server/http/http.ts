/**
 * HTTP helpers shared by route handlers: the error shape `{ error: { code, message, issues? } }`
 * and a body reader that stops at a size limit instead of buffering whatever a client sends.
 */
import type { FieldIssue } from "../../core/contracts/submission";
import { chargeBody, type BudgetRefusal } from "./parse-budget";

export function apiError(status: number, code: string, message: string, issues?: FieldIssue[], headers?: HeadersInit): Response {
  return Response.json({ error: { code, message, ...(issues ? { issues } : {}) } }, { status, headers });
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = "HttpError";
  }
}

/**
 * A request body as `readJsonBody` reads it, from either transport: a web Request (the route
 * table) or node:http's IncomingMessage (the production server's upload path, node.ts).
 */
export interface JsonBodySource {
  header(name: "content-type" | "content-length"): string | null;
  /** The whole body, of its declared length (the transport stops reading there). */
  readAll(): Promise<Uint8Array>;
  /** The next chunk of a body without a declared length; null at its end (or without a body). */
  nextChunk(): Promise<Uint8Array | null>;
  /** Stops reading a body that is refused part way. */
  cancel(): Promise<void>;
  /** Charges bytes to the request's parse budget (parse-budget.ts): the refusal when spent, else null. */
  charge(bytes: number): BudgetRefusal | null;
}

/**
 * Reads and parses a JSON body of at most `maxBytes`; throws HttpError 415 / 413 / 400.
 * The body must be declared as JSON: a cross-site page can send text/plain (or a typeless Blob)
 * without a CORS preflight, but not application/json, so this refusal is part of CSRF protection.
 */
export function readJson(req: Request, maxBytes: number): Promise<unknown> {
  let reader: ReadableStreamDefaultReader<Uint8Array> | null = null;
  return readJsonBody(
    {
      header: (name) => req.headers.get(name),
      readAll: async () => new Uint8Array(await req.arrayBuffer()),
      nextChunk: async () => {
        if (!req.body) return null;
        reader ??= req.body.getReader();
        const { done, value } = await reader.read();
        return done ? null : value;
      },
      cancel: async () => void (await reader?.cancel().catch(() => {})),
      charge: (bytes) => chargeBody(req, bytes),
    },
    maxBytes,
  );
}

/** `readJson` on any transport's body. */
export async function readJsonBody(body: JsonBodySource, maxBytes: number): Promise<unknown> {
  const type = (body.header("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  if (type !== "application/json" && !/^application\/[a-z0-9.+-]+\+json$/.test(type)) {
    throw new HttpError(415, "unsupported_media_type", `send the body as JSON with "content-type: application/json" (got ${type ? JSON.stringify(type.slice(0, 60)) : "none"})`);
  }
  const declared = Number(body.header("content-length") ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes) {
    throw new HttpError(413, "body_too_large", `request body is ${declared} bytes; the limit is ${maxBytes}`);
  }
  const charge = (bytes: number) => {
    const r = body.charge(bytes);
    if (r) throw new HttpError(r.status, r.code, r.message, { "retry-after": String(r.retryAfterS) });
  };
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (Number.isFinite(declared)) {
    // The parse budget (parse-budget.ts) is charged before a byte is read.
    charge(declared);
    // Declared and within the limit: read at once (the transport enforces the declared length).
    const buf = await body.readAll();
    if (buf.byteLength > maxBytes) throw new HttpError(413, "body_too_large", `request body exceeds the limit of ${maxBytes} bytes`);
    chunks.push(buf);
    size = buf.byteLength;
  } else {
    for (;;) {
      const value = await body.nextChunk();
      if (!value) break;
      size += value.byteLength;
      try {
        charge(value.byteLength);
      } catch (e) {
        await body.cancel();
        throw e;
      }
      if (size > maxBytes) {
        await body.cancel();
        throw new HttpError(413, "body_too_large", `request body exceeds the limit of ${maxBytes} bytes`);
      }
      chunks.push(value);
    }
  }
  if (size === 0) throw new HttpError(400, "empty_body", "request body is empty: this endpoint takes a JSON body (docs/api.md)");
  const text = chunks.length === 1 ? Buffer.from(chunks[0]!.buffer, chunks[0]!.byteOffset, chunks[0]!.byteLength).toString("utf8") : Buffer.concat(chunks).toString("utf8");
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new HttpError(400, "invalid_json", `request body is not valid JSON: ${(e as Error).message}`);
  }
}
