import { serverContext } from "../../../lib/server/context";
import { ping } from "../../../lib/server/read/results";

export const dynamic = "force-dynamic";

export async function GET() {
  try {
    const { db, handle } = await serverContext();
    await ping(db);
    return Response.json({ status: "ok", database: handle.kind });
  } catch (e) {
    console.error("[tokenwatt] health check failed:", e);
    return Response.json({ status: "error", error: { code: "database_unreachable", message: "the database is not reachable" } }, { status: 503 });
  }
}
