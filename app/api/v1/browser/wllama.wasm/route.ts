import { guarded } from "../../../../../lib/server/http";
import { serveFile, wllamaWasmPath } from "../../../../../lib/server/browser-models";

export const dynamic = "force-dynamic";

export function GET(req: Request) {
  return guarded(async () => serveFile(req, wllamaWasmPath(), "application/wasm"));
}
