import { serverContext } from "../../../../../../lib/server/context";
import { guarded } from "../../../../../../lib/server/http/http";
import { catalogRefusal, handleBrowserModelFile } from "../../../../../../lib/server/catalog/browser-models";

export const dynamic = "force-dynamic";

export async function GET(req: Request, ctx: { params: Promise<{ id: string }> }) {
  const { id } = await ctx.params;
  return guarded(async () => (await catalogRefusal(req, (await serverContext()).db)) ?? handleBrowserModelFile(req, id));
}
