/**
 * Text every entry point accepts (pure): no NUL or other control characters (Postgres rejects NUL,
 * and they hide in logs and exports), no bidirectional overrides (they make a name read as
 * something else), trimmed and bounded. Multi-line text (error messages) may hold tabs and line breaks.
 */
import { z } from "zod";
import "./zod-browser";

/** C0 controls but TAB, LF and CR; DEL; C1 controls. */
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;
const LINE_BREAKS = /[\t\n\r]/;
/** Bidirectional embeddings, overrides, isolates and marks. */
const BIDI = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/;
/** Zero-width and invisible characters that make two names look alike. */
const INVISIBLE = /[\u200B-\u200D\u2060\uFEFF]/;

export function textProblem(s: string, multiline = false): string | null {
  if (CONTROL.test(s) || (!multiline && LINE_BREAKS.test(s))) return "control characters (NUL, line breaks...) are not allowed";
  if (BIDI.test(s)) return "bidirectional override characters are not allowed";
  if (INVISIBLE.test(s)) return "zero-width (invisible) characters are not allowed";
  return null;
}

/** A trimmed string of at most `max` characters without control or bidi characters. */
export function safeString(max: number, o: { min?: number; multiline?: boolean } = {}) {
  return z
    .string()
    .trim()
    .min(o.min ?? 0)
    .max(max)
    .superRefine((s, ctx) => {
      const p = textProblem(s, o.multiline);
      if (p) ctx.addIssue({ code: "custom", message: p });
    });
}

/** A database id from a URL or query: a positive 32-bit integer (the columns' range). */
export const dbId = z.coerce.number().int().min(1).max(2_147_483_647);
