/**
 * The one HTTP client of the wire (issue 29 item 6): every client of a Tokenwatt server (the runner's
 * outbox, the agent, bench-browser's catalog, the owner's admin commands) sends its requests through
 * `wireRequest`, which reads the server's error envelope (`{ error: { code, message, issues? } }`,
 * lib/server/http/refusals.ts) and says once what may be retried. Pure (fetch only): runs in Node and
 * browsers alike.
 */

export interface WireIssue {
  path: string;
  message: string;
}

/** Network failures, 429 and 5xx may be retried; any other answer says something about the request itself. */
export function isRetryable(status: number | null): boolean {
  return status == null || status === 429 || status >= 500;
}

/** A request the server refused or never answered. `status` null: no answer (network, timeout). */
export class WireError extends Error {
  readonly retryable: boolean;
  constructor(
    readonly status: number | null,
    readonly code: string,
    readonly detail: string,
    readonly issues: WireIssue[] = [],
    /** Seconds the server asked to wait (Retry-After on a 429 or 503). */
    readonly retryAfterS: number | null = null,
  ) {
    super(status == null ? detail : `${status} ${detail}${issues.length ? ` (${issues.map((i) => `${i.path}: ${i.message}`).join("; ")})` : ""}`);
    this.name = "WireError";
    this.retryable = isRetryable(status);
  }
}

export interface WireRequest {
  method: "GET" | "POST";
  path: string;
  /** A token, or the owner credential: sent as `Authorization: Bearer`. */
  credential?: string | null;
  /** JSON body (POST). */
  body?: unknown;
  timeoutMs?: number;
}

export interface WireResponse<T> {
  status: number;
  /** The JSON answer; null for 204 and for a body that is not JSON. */
  data: T | null;
}

/** Sends one request to `server`; a 2xx answer is returned, anything else thrown as a WireError. */
export async function wireRequest<T>(server: string, r: WireRequest): Promise<WireResponse<T>> {
  let res: Response;
  try {
    res = await fetch(new URL(r.path, server), {
      method: r.method,
      headers: { ...(r.credential ? { authorization: `Bearer ${r.credential}` } : {}), ...(r.body === undefined ? {} : { "content-type": "application/json" }) },
      body: r.body === undefined ? undefined : JSON.stringify(r.body),
      signal: AbortSignal.timeout(r.timeoutMs ?? 30_000),
    });
  } catch (e) {
    const cause = (e as Error).cause as { code?: string } | string | undefined;
    const why = typeof cause === "object" && cause?.code ? cause.code : String(cause ?? (e as Error).message);
    throw new WireError(null, "unreachable", `the server at ${server} did not answer (${why})`);
  }
  const data = res.status === 204 ? null : ((await res.json().catch(() => null)) as (T & { error?: { code?: string; message?: string; issues?: WireIssue[] } }) | null);
  if (res.ok) return { status: res.status, data };
  const err = (data as { error?: { code?: string; message?: string; issues?: WireIssue[] } } | null)?.error;
  const retryAfter = Number(res.headers.get("retry-after"));
  throw new WireError(res.status, err?.code ?? "http_error", err?.message ?? res.statusText, err?.issues ?? [], Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : null);
}
