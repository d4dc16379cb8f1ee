/**
 * The wire's one HTTP client (lib/core/wire/client.ts), against a real local HTTP server: the error
 * envelope read once, the retry rule said once (network, 429 and 5xx retry; other refusals do not),
 * Retry-After kept, 204 as no data.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isRetryable, type WireError, wireRequest } from "../../lib/core/wire/client";

let server: http.Server;
let base: string;
beforeAll(async () => {
  server = http.createServer((req, res) => {
    const [, status] = /\/(\d{3})/.exec(req.url ?? "") ?? [];
    const code = Number(status ?? 200);
    if (code === 204) return void res.writeHead(204).end();
    const headers: Record<string, string> = { "content-type": "application/json", ...(code === 429 ? { "retry-after": "7" } : {}) };
    const body = code < 300 ? { echo: req.headers.authorization ?? null } : { error: { code: code === 400 ? "invalid_request" : "refused", message: `refused with ${code}`, ...(code === 400 ? { issues: [{ path: "model.name", message: "too long" }] } : {}) } };
    res.writeHead(code, headers).end(JSON.stringify(body));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const failure = async (path: string) => {
  try {
    await wireRequest(base, { method: "POST", path, body: {} });
  } catch (e) {
    return e as WireError;
  }
  throw new Error("no failure");
};

describe("the wire client", () => {
  it("returns 2xx answers with the credential sent as a bearer, and 204 as no data", async () => {
    expect(await wireRequest(base, { method: "GET", path: "/200", credential: "tw_secret" })).toEqual({ status: 200, data: { echo: "Bearer tw_secret" } });
    expect(await wireRequest(base, { method: "POST", path: "/204", body: {} })).toEqual({ status: 204, data: null });
  });

  it("reads the error envelope: code, message, issues; retries network failures, 429 (with Retry-After) and 5xx only", async () => {
    const bad = await failure("/400");
    expect(bad).toMatchObject({ status: 400, code: "invalid_request", detail: "refused with 400", retryable: false, issues: [{ path: "model.name", message: "too long" }] });
    expect(bad.message).toBe("400 refused with 400 (model.name: too long)");
    expect(await failure("/403")).toMatchObject({ status: 403, code: "refused", retryable: false });
    expect(await failure("/429")).toMatchObject({ status: 429, retryable: true, retryAfterS: 7 });
    expect(await failure("/503")).toMatchObject({ status: 503, retryable: true });
    const closed = await wireRequest("http://127.0.0.1:9", { method: "GET", path: "/" }).catch((e) => e as WireError);
    expect(closed).toMatchObject({ status: null, code: "unreachable", retryable: true });
    expect([null, 429, 500, 502].map(isRetryable)).toEqual([true, true, true, true]);
    expect([400, 401, 403, 404, 409, 413, 422].map(isRetryable).some(Boolean)).toBe(false);
  });
});
