// Every /api path under `next dev` (and `next start`): the route table of lib/server/http/routes.ts.
// The production server (bin/server.ts) answers these paths itself, before Next.
import { serverDeps } from "../../../lib/server/context";
import { dispatch } from "../../../lib/server/http/routes";

export const dynamic = "force-dynamic";

async function handle(req: Request): Promise<Response> {
  // Next forwards the socket's address as x-forwarded-for (unless the client sent one): the best
  // a route handler can know. bin/server.ts passes the socket's address itself.
  const clientIp = req.headers.get("x-forwarded-for")?.split(",").at(-1)?.trim() || null;
  return dispatch(req, serverDeps, { clientIp });
}

export const GET = handle;
export const HEAD = handle;
export const POST = handle;
export const PUT = handle;
export const PATCH = handle;
export const DELETE = handle;
