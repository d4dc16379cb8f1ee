/**
 * The one route table of the HTTP API: method, path and handler. The production server
 * (bin/server.ts, through node.ts), the App Router catch-all (app/api/[...path]/route.ts, for
 * `next dev`) and the tests dispatch through `dispatch`, so every transport answers every path
 * the same way. Path segments `:name` are parameters; a final `*rest` takes the remaining segments.
 */
import * as agents from "../api/agents";
import { getDeviceBadge } from "../api/badge";
import { getHealth } from "../api/health";
import { getOwnerProof } from "../api/owner-proof";
import { getLeaderboard } from "../api/public-leaderboard";
import { getResults } from "../api/results";
import { runDownload } from "../api/run-downloads";
import { getSearch } from "../api/search";
import { postScenario } from "../api/scenarios";
import { postSubmission } from "../api/submissions";
import { getModelFile, getModelList, getWebLlmFile, getWllamaWasm } from "../catalog/browser-models";
import { OPERATIONS } from "../ops";
import type { Handler, RequestInfo, ServerDeps } from "./deps";
import { openApiHandler } from "./openapi";
import { operationHandler } from "./operation-route";
import { apiError } from "./http";
import { attachParseBudget, budgetKey } from "./parse-budget";
import { errorResponse } from "./refusals";

export type Method = "GET" | "POST";

export interface Route {
  method: Method;
  path: string;
  handler: Handler;
  /** The operation it serves (lib/server/ops), where it serves one: its caller check and input are the operation's. */
  operation?: string;
  /** One line for the API reference (/api/v1/openapi.json). */
  summary?: string;
}

/** Every operation at the route it declares. */
const OPERATION_ROUTES: Route[] = Object.entries(OPERATIONS).map(([name, op]) => ({ method: op.http.method, path: op.http.path, handler: operationHandler(op), operation: name }));

export const ROUTES: readonly Route[] = [
  { method: "GET", path: "/api/health", handler: getHealth },
  { method: "GET", path: "/api/v1/openapi.json", handler: openApiHandler(() => ROUTES) },
  { method: "GET", path: "/api/v1/owner/proof", handler: getOwnerProof },
  { method: "POST", path: "/api/v1/submissions", handler: postSubmission },
  { method: "GET", path: "/api/v1/results", handler: getResults },
  { method: "GET", path: "/api/v1/search", handler: getSearch },
  { method: "GET", path: "/api/v1/public/leaderboard", handler: getLeaderboard },
  { method: "GET", path: "/api/v1/public/badge/device/:id", handler: getDeviceBadge, summary: "An SVG badge of a published device's fastest tg128 (`:id` or `:id.svg`); 404 for a device the public cannot see" },
  { method: "GET", path: "/api/v1/runs/:id/submission.json", handler: runDownload("submission"), summary: "One run as a submission (the contract), as stored" },
  { method: "GET", path: "/api/v1/runs/:id/llama-bench.json", handler: runDownload("llama-bench-json"), summary: "One run as llama-bench -o json rows (import llama-bench reads them back)" },
  { method: "GET", path: "/api/v1/runs/:id/llama-bench.csv", handler: runDownload("llama-bench-csv"), summary: "One run as llama-bench -o csv" },
  { method: "POST", path: "/api/v1/scenarios", handler: postScenario },
  ...OPERATION_ROUTES,
  { method: "GET", path: "/api/v1/browser/models", handler: getModelList },
  { method: "GET", path: "/api/v1/browser/models/:id", handler: getModelFile },
  { method: "GET", path: "/api/v1/browser/wllama.wasm", handler: getWllamaWasm },
  { method: "GET", path: "/api/v1/browser/webllm/*rest", handler: getWebLlmFile },
  { method: "GET", path: "/api/v1/agents", handler: agents.listAgentsHandler },
  { method: "POST", path: "/api/v1/agents/heartbeat", handler: agents.heartbeat },
  { method: "POST", path: "/api/v1/agents/jobs/next", handler: agents.nextJob },
  { method: "POST", path: "/api/v1/agents/jobs/:id/complete", handler: agents.completeJobHandler },
  { method: "POST", path: "/api/v1/agents/jobs/:id/fail", handler: agents.failJobHandler },
];

/** Path parameters when `pattern` matches `pathname`, else null. Static segments beat parameters (see `match`). */
function matchPath(pattern: string, pathname: string): Record<string, string> | null {
  const want = pattern.split("/");
  const got = pathname.split("/");
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i]!;
    if (w.startsWith("*")) {
      const rest = got.slice(i);
      if (rest.length === 0 || rest.some((s) => s === "")) return null;
      params[w.slice(1)] = rest.join("/");
      return params;
    }
    const g = got[i];
    if (g === w) continue;
    if (g === undefined || g === "") return null;
    if (w.startsWith(":")) {
      try {
        params[w.slice(1)] = decodeURIComponent(g);
      } catch {
        return null;
      }
    } else return null;
  }
  return got.length === want.length ? params : null;
}

const staticness = (r: Route) => r.path.split("/").filter((s) => !s.startsWith(":") && !s.startsWith("*")).length;
const BY_SPECIFICITY = [...ROUTES].sort((a, b) => staticness(b) - staticness(a));

/** The route for a method and path, the methods the path allows when the method does not match, or null. */
export function match(method: string, pathname: string): { route: Route; params: Record<string, string> } | { allow: Method[] } | null {
  const p = pathname.length > 1 ? pathname.replace(/\/+$/, "") : pathname;
  const allow = new Set<Method>();
  for (const route of BY_SPECIFICITY) {
    const params = matchPath(route.path, p);
    if (!params) continue;
    if (route.method === method || (method === "HEAD" && route.method === "GET")) return { route, params };
    allow.add(route.method);
  }
  return allow.size ? { allow: [...allow] } : null;
}

/** Whether `pathname` belongs to the API (the servers hand everything else to Next's pages). */
export const isApiPath = (pathname: string) => pathname === "/api" || pathname.startsWith("/api/");

/**
 * Answers an API request: the handler's response, 405 with Allow for a known path and another
 * method, 404 for an unknown API path. Never throws: an unexpected error is a 500 without details.
 */
export async function dispatch(req: Request, deps: ServerDeps | (() => Promise<ServerDeps>), info: RequestInfo): Promise<Response> {
  try {
    const { pathname } = new URL(req.url);
    const m = match(req.method, pathname);
    if (!m) return apiError(404, "not_found", `no API at ${req.method} ${pathname}`);
    if ("allow" in m) return apiError(405, "method_not_allowed", `${req.method} is not allowed here; use ${m.allow.join(" or ")}`, undefined, { allow: m.allow.join(", ") });
    const d = typeof deps === "function" ? await deps() : deps;
    if (d.parseBudget && m.route.method === "POST") attachParseBudget(req, d.parseBudget, budgetKey(req, info.clientIp));
    return await m.route.handler(req, d, m.params, info);
  } catch (e) {
    return errorResponse(e);
  }
}
