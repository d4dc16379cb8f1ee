import { guarded } from "../../../../../lib/server/http/http";
import { serveFile, wllamaWasmPath } from "../../../../../lib/server/catalog/browser-models";

export const dynamic = "force-dynamic";

export function GET(req: Request) {
  return guarded(async () => serveFile(req, wllamaWasmPath(), "application/wasm"));
}
