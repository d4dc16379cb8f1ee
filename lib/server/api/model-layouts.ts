/**
 * The server's model catalog (admin token or the owner credential):
 * - POST /api/v1/admin/model-layouts { model, moe?, replace? }: sets the layout the server trusts for
 *   a model file's sha256 (parameters, bytes read per token, KV bytes per token), held to what a file
 *   can be unless `moe`; 201 recorded, 409 when the file has one and `replace` is not set, 422 with
 *   the problems when the claims cannot hold.
 * - GET /api/v1/admin/model-layouts: the catalog, newest first.
 */
import { z } from "zod";
import { modelSchema } from "../../core/contracts/submission";
import { withToken } from "../http/auth";
import { readBody } from "../http/body";
import type { Handler } from "../http/deps";
import { refuse } from "../http/refusals";
import { listLayouts, recordLayout } from "../store/model-catalog";

export const layoutBodySchema = z
  .object({ model: modelSchema, moe: z.boolean().default(false), replace: z.boolean().default(false) })
  .strict();

export const postModelLayout: Handler = (req, deps) =>
  withToken(req, deps.db, ["admin"], async () => {
    const { model, moe, replace } = await readBody(req, layoutBodySchema, 16_384);
    if (!model.sha256) return refuse("layout_needs_sha256");
    const r = await recordLayout(deps.db, model, "admin", { moe, replace });
    if (r.problems.length) return refuse("implausible_layout", `the layout cannot hold: ${r.problems.join("; ")}`);
    if (!r.recorded) return refuse("layout_exists", `the catalog already has a layout for ${model.sha256}; send replace: true to overwrite it`);
    return Response.json(r, { status: 201 });
  });

export const getModelLayouts: Handler = (req, deps) =>
  withToken(req, deps.db, ["admin"], async () => Response.json({ layouts: await listLayouts(deps.db) }));
