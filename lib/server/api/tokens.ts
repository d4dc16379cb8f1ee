/**
 * Token administration over HTTP, for the owner credential only (the tokenwatt CLI of the data
 * directory's owner while the server runs); an admin token cannot mint tokens.
 *
 * - GET  /api/v1/admin/tokens                  names, roles and state (never the secrets)
 * - POST /api/v1/admin/tokens                  { name, role } -> { token } shown once (201)
 * - POST /api/v1/admin/tokens/{name}/revoke    further uses are refused (403 token_revoked)
 */
import { z } from "zod";
import { safeString } from "../../core/contracts/text";
import { BODY_LIMITS } from "../env";
import { withToken } from "../http/auth";
import { readBody } from "../http/body";
import type { Handler } from "../http/deps";
import { createToken, listTokens, revokeToken, TOKEN_ROLES } from "../store/tokens";

const createBodySchema = z.object({ name: safeString(64), role: z.enum(TOKEN_ROLES).default("runner") }).strict();

export const getTokens: Handler = (req, deps) =>
  withToken(req, deps.db, ["owner"], async () => Response.json({ tokens: await listTokens(deps.db) }, { headers: { "cache-control": "no-store" } }));

export const postToken: Handler = (req, deps) =>
  withToken(req, deps.db, ["owner"], async () => {
    const b = await readBody(req, createBodySchema, BODY_LIMITS.adminBytes);
    const token = await createToken(deps.db, b.name, b.role);
    return Response.json({ name: b.name, role: b.role, token }, { status: 201, headers: { "cache-control": "no-store" } });
  });

export const postTokenRevoke: Handler = (req, deps, { name }) =>
  withToken(req, deps.db, ["owner"], async () => {
    await revokeToken(deps.db, name!);
    return Response.json({ name, revoked: true });
  });
