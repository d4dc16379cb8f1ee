import { guarded } from "../../../../../../lib/server/http/http";
import { handleWebLlmFile } from "../../../../../../lib/server/catalog/browser-models";

export const dynamic = "force-dynamic";

export async function GET(req: Request, ctx: { params: Promise<{ path: string[] }> }) {
  const { path } = await ctx.params;
  return guarded(async () => handleWebLlmFile(req, path));
}
