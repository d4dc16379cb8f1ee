/**
 * Admin operations through a running server's HTTP API, authenticated with the owner credential:
 * the embedded database belongs to the server process, and this is the only way in.
 */
import type { Submission } from "../../core/contracts/submission";
import type { LeaderboardQuery, LeaderboardRow, PublishTarget } from "../read/leaderboard";
import type { IngestResult } from "../store/ingest";
import type { CatalogEntry } from "../store/model-catalog";
import { AdminError, type AdminOps, type TokenInfo } from "./ops";

const REQUEST_TIMEOUT_MS = 60_000;

export function remoteAdmin(url: string, credential: string): AdminOps {
  async function call<T>(method: "GET" | "POST", path: string, body?: unknown): Promise<T> {
    let r: Response;
    try {
      r = await fetch(new URL(path, url), {
        method,
        headers: { authorization: `Bearer ${credential}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (e) {
      throw new AdminError(`the server at ${url} did not answer (${(e as Error).cause ?? (e as Error).message})`);
    }
    const json = (await r.json().catch(() => null)) as { error?: { message?: string; issues?: { path: string; message: string }[] } } | null;
    if (!r.ok) {
      const issues = json?.error?.issues?.map((i) => `${i.path}: ${i.message}`).join("; ");
      throw new AdminError(`${json?.error?.message ?? `HTTP ${r.status}`}${issues ? ` (${issues})` : ""}`);
    }
    return json as T;
  }
  const date = (s: string | null) => (s == null ? null : new Date(s));
  return {
    where: `the server at ${url}`,
    createToken: async (name, role) => (await call<{ token: string }>("POST", "/api/v1/admin/tokens", { name, role })).token,
    listTokens: async () =>
      (await call<{ tokens: (Omit<TokenInfo, "createdAt" | "revokedAt" | "lastUsedAt"> & Record<"createdAt" | "revokedAt" | "lastUsedAt", string | null>)[] }>("GET", "/api/v1/admin/tokens")).tokens.map(
        (t) => ({ ...t, createdAt: new Date(t.createdAt!), revokedAt: date(t.revokedAt), lastUsedAt: date(t.lastUsedAt) }),
      ),
    revokeToken: async (name) => void (await call("POST", `/api/v1/admin/tokens/${encodeURIComponent(name)}/revoke`)),
    publish: async (target: PublishTarget, published: boolean) =>
      ({ submissions: (await call<{ changedSubmissions: number }>("POST", "/api/v1/admin/publish", { ...target, published })).changedSubmissions }),
    leaderboard: async (q: LeaderboardQuery) => {
      const params = new URLSearchParams(Object.entries(q).filter(([, v]) => v !== undefined).map(([k, v]) => [k, String(v)]));
      return (await call<{ rows: LeaderboardRow[] }>("GET", `/api/v1/public/leaderboard?${params}`)).rows;
    },
    explainOutput: async (submissionId, reason) => ({ plausible: (await call<{ plausible: boolean }>("POST", "/api/v1/admin/explain-output", { submissionId, reason })).plausible }),
    store: (s: Submission) => call<IngestResult>("POST", "/api/v1/submissions", s),
    addLayout: (model, opts) => call<{ recorded: boolean; problems: string[] }>("POST", "/api/v1/admin/model-layouts", { model, ...opts }),
    listLayouts: async () =>
      (await call<{ layouts: (Omit<CatalogEntry, "createdAt"> & { createdAt: string })[] }>("GET", "/api/v1/admin/model-layouts")).layouts.map((l) => ({ ...l, createdAt: new Date(l.createdAt) })),
    hasResults: async () => (await call<{ results: unknown[] }>("GET", "/api/v1/results?limit=1")).results.length > 0,
    close: async () => {},
  };
}
