import { serverContext } from "../../../../../lib/server/context";
import { guarded } from "../../../../../lib/server/http/http";
import { handlePublishPost } from "../../../../../lib/server/api/publish";

export const dynamic = "force-dynamic";

export function POST(req: Request) {
  return guarded(async () => handlePublishPost(req, (await serverContext()).db));
}
