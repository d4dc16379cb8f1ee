import { serverContext } from "../../../../lib/server/context";
import { guarded } from "../../../../lib/server/http/http";
import { handlePairingCreate } from "../../../../lib/server/api/pairing";

export const dynamic = "force-dynamic";

export function POST(req: Request) {
  return guarded(async () => handlePairingCreate(req, (await serverContext()).db));
}
