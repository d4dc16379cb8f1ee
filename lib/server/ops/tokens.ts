/** Tokens: create, list, revoke (`tokenwatt token`, /api/v1/admin/tokens): the owner only. */
import { z } from "zod";
import { safeString } from "../../core/contracts/text";
import { authorize } from "../access/policy";
import { BODY_LIMITS } from "../env";
import { createToken as create, listTokens as list, revokeToken as revoke, TOKEN_ROLES } from "../store/tokens";
import { operation } from "./operation";

export const createToken = operation({
  permission: "manage-tokens",
  input: z.object({ name: safeString(64), role: z.enum(TOKEN_ROLES).default("runner"), contributor: safeString(64).nullable().default(null) }).strict(),
  http: { method: "POST", path: "/api/v1/admin/tokens", status: 201, bodyLimit: BODY_LIMITS.adminBytes },
  async run(ctx, caller, { name, role, contributor }) {
    authorize(caller, "manage-tokens");
    return { name, role, contributor, token: await create(ctx.db, name, role, contributor) };
  },
});

export const listTokens = operation({
  permission: "manage-tokens",
  input: z.object({}).strict(),
  http: { method: "GET", path: "/api/v1/admin/tokens" },
  async run(ctx, caller) {
    authorize(caller, "manage-tokens");
    return { tokens: await list(ctx.db) };
  },
});

export const revokeToken = operation({
  permission: "manage-tokens",
  input: z.object({ name: safeString(64) }).strict(),
  http: { method: "POST", path: "/api/v1/admin/tokens/:name/revoke", bodyLimit: BODY_LIMITS.adminBytes },
  async run(ctx, caller, { name }) {
    authorize(caller, "manage-tokens");
    await revoke(ctx.db, name);
    return { name, revoked: true as const };
  },
});
