/**
 * The agent API on the production server's hot path (scripts/server.mjs): heartbeats and polls
 * of a whole fleet are served without Next's router, by the same handlers the App Router route
 * (app/api/v1/agents/[[...path]]) uses in `next dev`.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { routeAgentRequest } from "../api/agents";
import { agentContext } from "../context";
import { apiError } from "./http";
import { send, toRequest } from "./node";

export async function serveAgents(req: IncomingMessage, res: ServerResponse): Promise<void> {
  try {
    const r = routeAgentRequest(toRequest(req), await agentContext());
    await send(res, r ? await r : apiError(404, "not_found", `no agent API at ${req.method} ${req.url}`));
  } catch (e) {
    console.error("[tokenwatt] agent API failed:", e);
    if (!res.headersSent) await send(res, apiError(500, "internal", "internal server error; the request was not applied"));
  }
}
