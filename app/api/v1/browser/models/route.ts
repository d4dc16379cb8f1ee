import { serverContext } from "../../../../../lib/server/context";
import { guarded } from "../../../../../lib/server/http/http";
import { catalogRefusal, handleBrowserModelList } from "../../../../../lib/server/catalog/browser-models";

export const dynamic = "force-dynamic";

export function GET(req: Request) {
  return guarded(async () => (await catalogRefusal(req, (await serverContext()).db)) ?? handleBrowserModelList());
}
