import { serverContext } from "../../../../../lib/server/context";
import { guarded } from "../../../../../lib/server/http";
import { handlePublishPost } from "../../../../../lib/server/publish";

export const dynamic = "force-dynamic";

export function POST(req: Request) {
  return guarded(async () => handlePublishPost(req, (await serverContext()).db));
}
