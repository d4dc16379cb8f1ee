/** An embeddable SVG badge: a device's best published generation speed (tg128), with its model. */
import { sql } from "drizzle-orm";
import { rowsOf } from "../db/client";
import type { Handler } from "../http/deps";
import { apiError } from "../http/http";

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Badge text geometry: Verdana 11 px averages about 7 px per character, plus 6 px padding each side. */
const textWidthPx = (s: string) => 7 * s.length + 12;

export const getDeviceBadge: Handler = async (_req, deps, { id: idText }) => {
  const id = Number(idText);
  if (!/^\d{1,10}$/.test(idText!) || id < 1 || id > 2 ** 31 - 1) return apiError(400, "invalid_id", "device id must be a positive integer");
  const db = deps.readDb ?? deps.db;
  const row = rowsOf<{ ts: number; model: string; quant: string }>(
    await db.execute(sql`
      select c.median_ts as ts, m.name as model, m.quantization as quant from leaderboard_cells c join models m on m.id = c.model_id
      where c.device_id = ${id} and c.workload_id = 'tg128' order by c.median_ts desc limit 1`),
  )[0];
  const left = "tokenwatt tg128";
  const right = row ? `${row.ts.toFixed(1)} t/s · ${row.model} ${row.quant}` : "no published result";
  const lw = textWidthPx(left);
  const rw = textWidthPx(right);
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${lw + rw}" height="20" role="img" aria-label="${esc(`${left}: ${right}`)}"><title>${esc(`${left}: ${right}`)}</title><rect width="${lw}" height="20" fill="#14181f"/><rect x="${lw}" width="${rw}" height="20" fill="${row ? "#0b5cad" : "#777"}"/><g fill="#fff" font-family="Verdana,sans-serif" font-size="11"><text x="6" y="14">${esc(left)}</text><text x="${lw + 6}" y="14">${esc(right)}</text></g></svg>`;
  return new Response(svg, { headers: { "content-type": "image/svg+xml; charset=utf-8", "cache-control": "public, max-age=300" } });
};
