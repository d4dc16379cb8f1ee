import { serverContext } from "../../../../lib/server/context";
import { guarded } from "../../../../lib/server/http/http";
import { handleScenarioPost } from "../../../../lib/server/api/scenarios";

export const dynamic = "force-dynamic";

export function POST(req: Request) {
  return guarded(async () => handleScenarioPost(req, (await serverContext()).db));
}
