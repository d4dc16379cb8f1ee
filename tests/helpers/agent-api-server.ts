/**
 * The agent API and ingest over real HTTP without Next: the same dispatch as scripts/server.mjs
 * (ingest and agent paths bypass Next there too), on a given database and job queue. For tests
 * and the fleet simulation (scripts/bench-agents.ts).
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Db } from "../../lib/server/db/client";
import type { JobQueue } from "../../lib/server/fleet/job-queue";
import { routeAgentRequest } from "../../lib/server/api/agents";
import { apiError } from "../../lib/server/http/http";
import { send, toRequest } from "../../lib/server/http/node";
import { createRateLimiter } from "../../lib/server/http/rate-limit";
import { handleSubmissionPost } from "../../lib/server/api/submissions";

export async function startAgentApiServer(db: Db, queue: JobQueue, agentTimeoutS = 60, port = 0) {
  const limiter = createRateLimiter(1e9, 1e9);
  const deps = { db, queue, agentTimeoutS };
  let requests = 0;
  const server = http.createServer(async (req, res) => {
    requests++;
    try {
      const r = toRequest(req);
      const out =
        req.method === "POST" && req.url === "/api/v1/submissions" ? handleSubmissionPost(r, { db, limiter }) : routeAgentRequest(r, deps);
      await send(res, out ? await out : apiError(404, "not_found", "not found"));
    } catch (e) {
      if (!res.headersSent) await send(res, apiError(500, "internal", (e as Error).message));
    }
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((r) => server.listen(port, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    requests: () => requests,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
