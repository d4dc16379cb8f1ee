/** The model catalog: trust a file's layout, list the catalog (`tokenwatt catalog`, /api/v1/admin/model-layouts). */
import { z } from "zod";
import { modelSchema } from "../../core/contracts/submission";
import { authorize } from "../access/policy";
import { Refused } from "../access/refused";
import { listLayouts as list, recordLayout } from "../store/model-catalog";
import { operation } from "./operation";

export const addLayout = operation({
  permission: "manage-catalog",
  input: z.object({ model: modelSchema, moe: z.boolean().default(false), replace: z.boolean().default(false) }).strict(),
  http: { method: "POST", path: "/api/v1/admin/model-layouts", status: 201, bodyLimit: 16_384 },
  async run(ctx, caller, { model, moe, replace }) {
    authorize(caller, "manage-catalog");
    if (!model.sha256) throw new Refused("layout_needs_sha256", "the model needs its file's sha256: the catalog is keyed by it");
    // The owner's own word, or an admin's: recorded with where it came from.
    const r = await recordLayout(ctx.db, model, caller.kind === "owner" ? "owner" : "admin", { moe, replace });
    if (r.problems.length) throw new Refused("implausible_layout", `the layout cannot hold: ${r.problems.join("; ")}`);
    if (!r.recorded) throw new Refused("layout_exists", `the catalog already has a layout for ${model.sha256}; send replace: true to overwrite it`);
    return { recorded: true as const, sha256: model.sha256 };
  },
});

export const listLayouts = operation({
  permission: "manage-catalog",
  input: z.object({}).strict(),
  http: { method: "GET", path: "/api/v1/admin/model-layouts" },
  async run(ctx, caller) {
    authorize(caller, "manage-catalog");
    return { layouts: await list(ctx.db) };
  },
});
