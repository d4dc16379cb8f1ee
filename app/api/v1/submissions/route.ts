import { serverContext } from "../../../../lib/server/context";
import { handleSubmissionPost } from "../../../../lib/server/api/submissions";
import { guarded } from "../../../../lib/server/http/http";

export const dynamic = "force-dynamic";

export function POST(req: Request) {
  return guarded(async () => {
    const { db, limiter } = await serverContext();
    return handleSubmissionPost(req, { db, limiter });
  });
}
