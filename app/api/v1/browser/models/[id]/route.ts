import { guarded } from "../../../../../../lib/server/http";
import { handleBrowserModelFile } from "../../../../../../lib/server/browser-models";

export const dynamic = "force-dynamic";

export async function GET(req: Request, ctx: { params: Promise<{ id: string }> }) {
  const { id } = await ctx.params;
  return guarded(() => handleBrowserModelFile(req, id));
}
