import { serverContext } from "../../../../../lib/server/context";
import { guarded } from "../../../../../lib/server/http/http";
import { handleLeaderboardGet } from "../../../../../lib/server/api/public-leaderboard";

export const dynamic = "force-dynamic";

export function GET(req: Request) {
  return guarded(async () => handleLeaderboardGet(req, (await serverContext()).db));
}
