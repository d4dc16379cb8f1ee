/**
 * What a search box's text means (pure; the /search page, GET /api/v1/search and their tests share
 * it): words that must each appear, case-insensitively, somewhere in what describes a device (name,
 * CPU, GPU, class, backends) or a model (name, family, quantization, weights). The words are matched
 * as plain text (strpos in SQL, never LIKE), so `%`, `_` and `\` are literal characters.
 */
import { textProblem } from "../contracts/text";

/** Longest search text accepted, in characters (a device or model name is far shorter). */
export const SEARCH_MAX_CHARS = 100;
/** Most words in one search. */
export const SEARCH_MAX_TERMS = 8;

export type SearchQuery =
  /** `terms`: lower-cased words, each at most SEARCH_MAX_CHARS long, none empty; `text`: them joined by one space. Empty: nothing asked. */
  | { ok: true; terms: string[]; text: string }
  /** Why the text is refused, in words a reader can act on. */
  | { ok: false; problem: string };

/**
 * The words of a search text: trimmed, NFKC-normalised (full-width and ligature forms become their
 * plain letters), lower-cased, split on white space, repeated words dropped. Refused: over
 * SEARCH_MAX_CHARS characters, over SEARCH_MAX_TERMS words, control, bidirectional or invisible characters.
 */
export function parseSearchQuery(raw: string | undefined | null): SearchQuery {
  const s = (raw ?? "").trim();
  // Checked before and after NFKC, which may lengthen a text (a ligature is two or three letters).
  if (s.length > SEARCH_MAX_CHARS || s.normalize("NFKC").length > SEARCH_MAX_CHARS) return { ok: false, problem: `a search is at most ${SEARCH_MAX_CHARS} characters (this one has ${s.length})` };
  const p = textProblem(s);
  if (p) return { ok: false, problem: p };
  const terms = [...new Set(s.normalize("NFKC").toLowerCase().split(/\s+/).filter(Boolean))];
  if (terms.length > SEARCH_MAX_TERMS) return { ok: false, problem: `a search has at most ${SEARCH_MAX_TERMS} words (this one has ${terms.length})` };
  return { ok: true, terms, text: terms.join(" ") };
}
