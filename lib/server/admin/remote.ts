/**
 * Admin operations through a running server's HTTP API, authenticated with the owner credential:
 * the embedded database belongs to the server process, and this is the only way in. Each operation
 * is called at the route it declares (lib/server/ops): path parameters from the input's fields, the
 * rest as the JSON body (POST) or the query (GET).
 */
import type { Submission } from "../../core/contracts/submission";
import { OPERATIONS, type OpName } from "../ops";
import type { LeaderboardQuery, LeaderboardRow } from "../read/leaderboard";
import type { IngestResult } from "../store/ingest";
import { WireError, wireRequest } from "../../core/wire/client";
import { AdminError, type AdminOps } from "./ops";

const REQUEST_TIMEOUT_MS = 60_000;

export function remoteAdmin(url: string, credential: string): AdminOps {
  async function request<T>(method: "GET" | "POST", path: string, body?: unknown): Promise<T> {
    try {
      return (await wireRequest<T>(url, { method, path, credential, body, timeoutMs: REQUEST_TIMEOUT_MS })).data as T;
    } catch (e) {
      if (!(e instanceof WireError)) throw e;
      // The operation's own message, as the database door gives it (lib/server/admin/local.ts).
      const issues = e.issues.map((i) => `${i.path}: ${i.message}`).join("; ");
      throw new AdminError(e.status == null ? e.detail : `${e.detail}${issues ? ` (${issues})` : ""}`);
    }
  }
  return {
    where: `the server at ${url}`,
    async call(name: OpName, input: Record<string, unknown>) {
      const { method, path } = OPERATIONS[name].http;
      const rest = { ...input };
      const filled = path.replace(/:(\w+)/g, (_, k: string) => {
        const v = rest[k];
        delete rest[k];
        return encodeURIComponent(String(v));
      });
      if (method === "POST") return request("POST", filled, rest);
      const q = new URLSearchParams(Object.entries(rest).filter(([, v]) => v !== undefined).map(([k, v]) => [k, String(v)]));
      return request("GET", q.size ? `${filled}?${q}` : filled);
    },
    leaderboard: async (q: LeaderboardQuery) => {
      const params = new URLSearchParams(Object.entries(q).filter(([, v]) => v !== undefined).map(([k, v]) => [k, String(v)]));
      return (await request<{ rows: LeaderboardRow[] }>("GET", `/api/v1/public/leaderboard?${params}`)).rows;
    },
    store: (s: Submission) => request<IngestResult>("POST", "/api/v1/submissions", s),
    hasResults: async () => (await request<{ results: unknown[] }>("GET", "/api/v1/results?limit=1")).results.length > 0,
    close: async () => {},
  } as AdminOps;
}
