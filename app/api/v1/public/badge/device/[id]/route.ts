import { serverContext } from "../../../../../../../lib/server/context";
import { guarded } from "../../../../../../../lib/server/http/http";
import { deviceBadge } from "../../../../../../../lib/server/api/badge";

export const dynamic = "force-dynamic";

export function GET(_req: Request, { params }: { params: Promise<{ id: string }> }) {
  return guarded(async () => deviceBadge((await serverContext()).db, (await params).id));
}
