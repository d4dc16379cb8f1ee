/**
 * The server's model catalog (table model_layouts): the layout it trusts for a model file, by
 * sha256. Set by the owner or an admin (`tokenwatt catalog add`), or by the first run of the file
 * from a trusted submitter (the owner's own runners on a private server, an admin anywhere) whose
 * claims hold up on their own; never by an anonymous or public contributor's submission. A later
 * submission of the same file is judged against it (lib/core/measure/model-catalog.ts).
 */
import { desc, eq } from "drizzle-orm";
import type { ModelInfo } from "../../core/contracts/submission";
import { judgeLayout, type TrustedLayout } from "../../core/measure/model-catalog";
import type { Db } from "../db/client";
import { modelLayouts } from "../db/schema";

export type LayoutSource = "owner" | "admin" | "trusted-run";

type Row = typeof modelLayouts.$inferSelect;
const toLayout = (r: Row): TrustedLayout => ({
  parameterCount: r.parameterCount,
  weightsReadPerTokenBytes: r.weightsReadPerTokenBytes,
  kvBytesPerToken: r.kvBytesPerToken,
  fileBytes: r.fileBytes,
  moe: r.moe,
  source: r.source,
});

/** Layouts already read, per database: a catalog row never changes once written (only replaced by an admin). */
const cache = new WeakMap<Db, Map<string, TrustedLayout>>();

export async function trustedLayoutFor(db: Db, m: Pick<ModelInfo, "sha256">): Promise<TrustedLayout | null> {
  if (!m.sha256) return null;
  let c = cache.get(db);
  if (!c) cache.set(db, (c = new Map()));
  const hit = c.get(m.sha256);
  if (hit) return hit;
  const [row] = await db.select().from(modelLayouts).where(eq(modelLayouts.sha256, m.sha256));
  if (!row) return null;
  const layout = toLayout(row);
  if (c.size > 10_000) c.clear();
  c.set(m.sha256, layout);
  return layout;
}

/**
 * Records a file's layout from a trusted source's claims, when it has none yet and the claims hold
 * up on their own (a file can hold them, the name's shape agrees). Returns whether it was recorded.
 */
export async function recordLayout(db: Db, m: ModelInfo, source: LayoutSource, opts: { moe?: boolean; replace?: boolean } = {}): Promise<{ recorded: boolean; problems: string[] }> {
  if (!m.sha256 || m.parameterCount == null || m.weightsReadPerTokenBytes == null) return { recorded: false, problems: ["the model needs a sha256, a parameter count and bytes read per token"] };
  const problems = opts.moe ? [] : judgeLayout(m, null).problems;
  if (problems.length) return { recorded: false, problems };
  const values = {
    sha256: m.sha256,
    parameterCount: m.parameterCount,
    weightsReadPerTokenBytes: m.weightsReadPerTokenBytes,
    kvBytesPerToken: m.kvBytesPerToken,
    fileBytes: m.fileBytes,
    moe: opts.moe ?? false,
    source,
  };
  const q = db.insert(modelLayouts).values(values);
  const rows = opts.replace ? await q.onConflictDoUpdate({ target: modelLayouts.sha256, set: values }).returning() : await q.onConflictDoNothing().returning();
  if (opts.replace) cache.get(db)?.delete(m.sha256);
  return { recorded: rows.length > 0, problems: [] };
}

export interface CatalogEntry extends TrustedLayout {
  sha256: string;
  createdAt: Date;
}

/** Every layout of the catalog, newest first (`tokenwatt catalog list`). */
export async function listLayouts(db: Db, limit = 500): Promise<CatalogEntry[]> {
  const rows = await db.select().from(modelLayouts).orderBy(desc(modelLayouts.createdAt)).limit(limit);
  return rows.map((r) => ({ ...toLayout(r), sha256: r.sha256, createdAt: r.createdAt }));
}
