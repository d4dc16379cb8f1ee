import { serverContext } from "../../../../lib/server/context";
import { handleResultsGet } from "../../../../lib/server/api/results";
import { guarded } from "../../../../lib/server/http/http";

export const dynamic = "force-dynamic";

export function GET(req: Request) {
  return guarded(async () => handleResultsGet(req, (await serverContext()).db));
}
