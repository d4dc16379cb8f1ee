/**
 * What a public server lists for search engines (app/sitemap.ts): the devices and models with a
 * published run (the pages anonymous visitors see figures on), most recently run first. A sitemap holds at most 50,000 addresses (sitemaps.org): the board's own pages come first,
 * then devices and models up to that.
 */
import { sql } from "drizzle-orm";
import { rowsOf, type Db } from "../db/client";

/** Addresses one sitemap may hold (sitemaps.org protocol). */
export const SITEMAP_MAX_URLS = 50_000;

export interface PublicPage {
  kind: "device" | "model";
  id: number;
  /** The newest published run's start. */
  lastRunAt: Date;
}

export async function publicPages(db: Db, limit: number): Promise<PublicPage[]> {
  const n = Math.max(0, Math.floor(limit));
  if (n === 0) return [];
  const rows = rowsOf<{ kind: "device" | "model"; id: number; last: string | Date }>(
    await db.execute(sql`
      (select 'device' as kind, s.device_id as id, max(s.started_at) as last
        from submissions s where s.published group by s.device_id)
      union all
      (select 'model', s.model_id, max(s.started_at) from submissions s where s.published group by s.model_id)
      order by last desc, kind, id
      limit ${n}`),
  );
  return rows.map((r) => ({ kind: r.kind, id: Number(r.id), lastRunAt: new Date(r.last) }));
}
