/**
 * HTTP helpers shared by route handlers: the error shape `{ error: { code, message, issues? } }`
 * and a body reader that stops at a size limit instead of buffering whatever a client sends.
 */
import type { FieldIssue } from "../../core/contracts/submission";
import { chargeBody } from "./parse-budget";

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
 * Reads and parses a JSON body of at most `maxBytes`; throws HttpError 415 / 413 / 400.
 * The body must be declared as JSON: a cross-site page can send text/plain (or a typeless Blob)
 * without a CORS preflight, but not application/json, so this refusal is part of CSRF protection.
 */
export async function readJson(req: Request, maxBytes: number): Promise<unknown> {
  const type = (req.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  if (type !== "application/json" && !/^application\/[a-z0-9.+-]+\+json$/.test(type)) {
    throw new HttpError(415, "unsupported_media_type", `send the body as JSON with "content-type: application/json" (got ${type ? JSON.stringify(type.slice(0, 60)) : "none"})`);
  }
  const declared = Number(req.headers.get("content-length") ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes) {
    throw new HttpError(413, "body_too_large", `request body is ${declared} bytes; the limit is ${maxBytes}`);
  }
  const charge = (bytes: number) => {
    const r = chargeBody(req, bytes);
    if (r) throw new HttpError(r.status, r.code, r.message, { "retry-after": String(r.retryAfterS) });
  };
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (Number.isFinite(declared)) {
    // The parse budget (parse-budget.ts) is charged before a byte is read.
    charge(declared);
    // Declared and within the limit: read at once (the runtime enforces the declared length).
    const buf = new Uint8Array(await req.arrayBuffer());
    if (buf.byteLength > maxBytes) throw new HttpError(413, "body_too_large", `request body exceeds the limit of ${maxBytes} bytes`);
    chunks.push(buf);
    size = buf.byteLength;
  } else if (req.body) {
    const reader = req.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      try {
        charge(value.byteLength);
      } catch (e) {
        await reader.cancel().catch(() => {});
        throw e;
      }
      if (size > maxBytes) {
        await reader.cancel().catch(() => {});
        throw new HttpError(413, "body_too_large", `request body exceeds the limit of ${maxBytes} bytes`);
      }
      chunks.push(value);
    }
  }
  if (size === 0) throw new HttpError(400, "empty_body", "request body is empty; send a JSON submission");
  const text = Buffer.concat(chunks).toString("utf8");
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new HttpError(400, "invalid_json", `request body is not valid JSON: ${(e as Error).message}`);
  }
}
