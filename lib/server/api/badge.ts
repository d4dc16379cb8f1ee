/**
 * An embeddable SVG badge (GET /api/v1/public/badge/device/:id, `:id` or `:id.svg`): a published
 * device's fastest published generation speed (tg128), with its model, from the public cells. A
 * device the public cannot see (unknown, or with nothing published) is 404, as its page is; one with
 * published runs but no ranked tg128 says so in grey.
 */
import { getDevice } from "../read/runs";
import { headlineFigures, formatTs } from "../read/headline";
import type { Handler } from "../http/deps";
import { apiError } from "../http/http";

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Badge text geometry: Verdana 11 px averages about 7 px per character, plus 6 px padding each side. */
const textWidthPx = (s: string) => 7 * s.length + 12;

/** Shared caches may keep a badge 5 minutes: a publish shows on READMEs within that. */
export const BADGE_CACHE_CONTROL = "public, max-age=300";

export function badgeSvg(left: string, right: string, ranked: boolean): string {
  const lw = textWidthPx(left);
  const rw = textWidthPx(right);
  const label = esc(`${left}: ${right}`);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${lw + rw}" height="20" role="img" aria-label="${label}"><title>${label}</title><rect width="${lw}" height="20" fill="#14181f"/><rect x="${lw}" width="${rw}" height="20" fill="${ranked ? "#0b5cad" : "#6b6b6b"}"/><g fill="#fff" font-family="Verdana,sans-serif" font-size="11"><text x="6" y="14">${esc(left)}</text><text x="${lw + 6}" y="14">${esc(right)}</text></g></svg>`;
}

export const getDeviceBadge: Handler = async (_req, deps, { id: raw }) => {
  const idText = raw!.replace(/\.svg$/, "");
  const id = Number(idText);
  if (!/^\d{1,10}$/.test(idText) || id < 1 || id > 2 ** 31 - 1) return apiError(400, "invalid_id", "device id must be a positive integer (optionally followed by .svg)");
  const db = deps.readDb ?? deps.db;
  if (!(await getDevice(db, id, "public"))) return apiError(404, "not_found", `no published device ${id}`);
  const tg = (await headlineFigures(db, { deviceId: id }, "public")).find((f) => f.workloadId === "tg128");
  const left = "tokenwatt tg128";
  const right = tg ? `${formatTs(tg.medianTs)} t/s · ${tg.modelName} ${tg.quantization}${tg.weights === "synthetic" ? " (synthetic)" : ""}` : "no ranked result";
  return new Response(badgeSvg(left, right, tg != null), { headers: { "content-type": "image/svg+xml; charset=utf-8", "cache-control": BADGE_CACHE_CONTROL } });
};
