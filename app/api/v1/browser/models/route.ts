import { guarded } from "../../../../../lib/server/http";
import { handleBrowserModelList } from "../../../../../lib/server/browser-models";

export const dynamic = "force-dynamic";

export function GET() {
  return guarded(handleBrowserModelList);
}
