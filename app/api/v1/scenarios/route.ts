import { serverContext } from "../../../../lib/server/context";
import { guarded } from "../../../../lib/server/http";
import { handleScenarioPost } from "../../../../lib/server/scenarios";

export const dynamic = "force-dynamic";

export function POST(req: Request) {
  return guarded(async () => handleScenarioPost(req, (await serverContext()).db));
}
