/**
 * GET /api/v1/owner/proof?nonce=<32-128 hex>: the server proves it holds this data directory's owner
 * credential, before the owner's CLI sends it (issue 30 item 4): it answers HMAC(credential, nonce),
 * which the CLI checks against its own copy. Anything else listening at a stale server.json port
 * cannot answer it, and learns nothing of the credential from the answer.
 */
import { z } from "zod";
import { ownerProof } from "../access/owner-session";
import { serverDataDir } from "../env";
import { readQuery } from "../http/body";
import type { Handler } from "../http/deps";
import { ownerCredential } from "../store/owner-credential";

const querySchema = z.object({ nonce: z.string().regex(/^[0-9a-f]{32,128}$/, "32 to 128 hex digits") }).strict();

export const getOwnerProof: Handler = async (req) => {
  const { nonce } = readQuery(req, querySchema);
  return Response.json({ proof: ownerProof(ownerCredential(serverDataDir()), nonce) }, { headers: { "cache-control": "no-store" } });
};
