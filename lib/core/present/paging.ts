/**
 * The `?page=` parameter of the paginated pages (leaderboard, device runs): 1-based, digits only.
 * Anything else reads as page 1 with a note, never an error page; a page past the last is clamped
 * by the read that knows the total.
 */
export const MAX_PAGE = 1_000_000;

export interface PageParam {
  page: number;
  /** The raw value when it was not a page number (the page says so and shows page 1). */
  invalid: string | null;
}

export function parsePageParam(raw: string | string[] | undefined): PageParam {
  if (raw == null || raw === "") return { page: 1, invalid: null };
  const v = Array.isArray(raw) ? raw.join(",") : raw;
  if (!/^\d{1,7}$/.test(v) || Number(v) < 1 || Number(v) > MAX_PAGE) return { page: 1, invalid: v.slice(0, 40) };
  return { page: Number(v), invalid: null };
}

/** A note for a page that was not read as asked: not a number, or past the last (clamped). */
export function pageNote(p: PageParam, read: { page: number; pages: number }): string | null {
  if (p.invalid != null) return `"${p.invalid}" is not a page number (1 to ${read.pages}); showing page 1.`;
  if (p.page > read.pages) return `Page ${p.page} is past the last page (${read.pages}); showing page ${read.page}.`;
  return null;
}
