/** GET /api/health: 200 when the database answers, 503 otherwise. */
import type { Handler } from "../http/deps";
import { ping } from "../read/results";

export const getHealth: Handler = async (_req, deps) => {
  try {
    await ping(deps.db);
    return Response.json({ status: "ok", database: deps.dbKind });
  } catch (e) {
    console.error("[tokenwatt] health check failed:", (e as Error).message);
    return Response.json({ status: "error", error: { code: "database_unreachable", message: "the database is not reachable" } }, { status: 503 });
  }
};
