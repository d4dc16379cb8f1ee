/** The search box's text (lib/core/present/search-query.ts): words, case, limits and refusals. */
import { describe, expect, it } from "vitest";
import { parseSearchQuery, SEARCH_MAX_CHARS, SEARCH_MAX_TERMS } from "../../lib/core/present/search-query";

describe("a search text", () => {
  it("becomes lower-cased words, trimmed, repeated ones dropped", () => {
    expect(parseSearchQuery("  Ryzen   7840U ryzen ")).toEqual({ ok: true, terms: ["ryzen", "7840u"], text: "ryzen 7840u" });
    expect(parseSearchQuery("Llama-3.2-1B\tQ4_0")).toMatchObject({ ok: false }); // a tab is a control character here
    expect(parseSearchQuery("LLAMA Q4_0")).toEqual({ ok: true, terms: ["llama", "q4_0"], text: "llama q4_0" });
  });

  it("keeps SQL wildcards and backslashes as plain characters", () => {
    expect(parseSearchQuery("100% q4_0 a\\b")).toEqual({ ok: true, terms: ["100%", "q4_0", "a\\b"], text: "100% q4_0 a\\b" });
    expect(parseSearchQuery("%")).toEqual({ ok: true, terms: ["%"], text: "%" });
  });

  it("normalises full-width letters (NFKC)", () => {
    expect(parseSearchQuery("ＲＴＸ")).toEqual({ ok: true, terms: ["rtx"], text: "rtx" });
  });

  it("asks nothing when empty or blank", () => {
    for (const q of [undefined, null, "", "   "]) expect(parseSearchQuery(q)).toEqual({ ok: true, terms: [], text: "" });
  });

  it("refuses control, bidirectional and invisible characters", () => {
    for (const q of ["a\u0000b", "a\nb", "a\u007fb", "abc\u202Edef", "a\u200Bb"]) {
      const r = parseSearchQuery(q);
      expect(r.ok, JSON.stringify(q)).toBe(false);
      if (!r.ok) expect(r.problem).toMatch(/not allowed/);
    }
  });

  it("refuses a text over the length limit, and takes one at it", () => {
    expect(parseSearchQuery("a".repeat(SEARCH_MAX_CHARS))).toMatchObject({ ok: true });
    const long = parseSearchQuery("a".repeat(SEARCH_MAX_CHARS + 1));
    expect(long).toEqual({ ok: false, problem: `a search is at most ${SEARCH_MAX_CHARS} characters (this one has ${SEARCH_MAX_CHARS + 1})` });
    // NFKC lengthens ligatures: checked after it too.
    expect(parseSearchQuery("\uFB03".repeat(SEARCH_MAX_CHARS))).toMatchObject({ ok: false });
    expect(parseSearchQuery("x".repeat(10_000))).toMatchObject({ ok: false });
  });

  it("refuses more words than the limit, and takes as many as it", () => {
    const words = (n: number) => Array.from({ length: n }, (_, i) => `w${i}`).join(" ");
    expect(parseSearchQuery(words(SEARCH_MAX_TERMS))).toMatchObject({ ok: true });
    expect(parseSearchQuery(words(SEARCH_MAX_TERMS + 1))).toMatchObject({ ok: false, problem: expect.stringContaining("words") });
  });
});
