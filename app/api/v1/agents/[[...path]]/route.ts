// The agent API (lib/server/agents.ts) under `next dev`; the production server serves these paths
// directly (lib/server/node-agents.ts).
import { routeAgentRequest } from "../../../../../lib/server/api/agents";
import { agentContext } from "../../../../../lib/server/context";
import { apiError, guarded } from "../../../../../lib/server/http/http";

export const dynamic = "force-dynamic";

async function handle(req: Request): Promise<Response> {
  return guarded(async () => (await routeAgentRequest(req, await agentContext())) ?? apiError(404, "not_found", "no such agent API"));
}

export const GET = handle;
export const POST = handle;
