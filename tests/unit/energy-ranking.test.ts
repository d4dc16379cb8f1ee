import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { EnergyRankingNote } from "../../app/leaderboard/energy-ranking";
import { energyRanking, isEnergyScope, isEnergySort, scopeCounts } from "../../lib/core/present/energy-ranking";
import { leaderboardQuerySchema } from "../../lib/server/read/leaderboard";

describe("energy ranking (review measurement N6)", () => {
  it("knows the energy sorts and no other", () => {
    for (const s of ["decode_j_per_token", "prefill_j_per_token", "tokens_per_joule"]) expect(isEnergySort(s), s).toBe(true);
    for (const s of ["tg_ts", "pp_ts", "runs", "throttle_ratio", "constructor", "toString"]) expect(isEnergySort(s), s).toBe(false);
  });

  it("accepts a scope a result can be stored with, and refuses anything else", () => {
    for (const s of ["wall", "battery", "soc", "package", "gpu", "package+dram", "package+dram+gpu"]) expect(isEnergyScope(s), s).toBe(true);
    for (const s of ["", "bogus", "Wall", "gpu+wall", "package+", "+gpu", "package dram", "battery+battery", "package+dram+gpu "]) expect(isEnergyScope(s), JSON.stringify(s)).toBe(false);
    const parse = (energyScope: string) => leaderboardQuerySchema.safeParse({ energyScope, sort: "decode_j_per_token" });
    expect(parse("package+dram+gpu").success).toBe(true);
    const bad = parse("bogus");
    expect(bad.success).toBe(false);
    expect(bad.error!.issues.map((i) => [i.path.join("."), i.message])).toEqual([["energyScope", expect.stringMatching(/^an energy scope: wall, battery, soc/)]]);
    expect(parse(`package${"+dram".repeat(20)}`).success).toBe(false);
  });

  it("sums a scope's tiers and orders scopes by rows, ties widest whole-device scope first, then by name", () => {
    const input = [
      { scope: "package+dram+gpu", tier: "sampled", rows: 1 },
      { scope: "package+dram+gpu", tier: "counter", rows: 2 },
      { scope: "soc", tier: "sampled", rows: 3 },
      { scope: "wall", tier: "external", rows: 3 },
      { scope: "gpu", tier: "counter", rows: 1 },
      { scope: "dram", tier: "counter", rows: 1 },
      { scope: "battery", tier: "battery", rows: 0 },
    ];
    const counts = scopeCounts(input);
    expect(counts).toEqual([
      { scope: "wall", rows: 3, tiers: [{ tier: "external", rows: 3 }] },
      { scope: "soc", rows: 3, tiers: [{ tier: "sampled", rows: 3 }] },
      { scope: "package+dram+gpu", rows: 3, tiers: [{ tier: "counter", rows: 2 }, { tier: "sampled", rows: 1 }] },
      { scope: "dram", rows: 1, tiers: [{ tier: "counter", rows: 1 }] },
      { scope: "gpu", rows: 1, tiers: [{ tier: "counter", rows: 1 }] },
    ]);
    // The order does not depend on the order the database answered in.
    for (const order of [[...input].reverse(), [input[4]!, input[2]!, input[0]!, input[5]!, input[3]!, input[1]!, input[6]!]]) expect(scopeCounts(order)).toEqual(counts);
  });

  it("ranks within the asked scope, else the one with the most rows; none for another sort", () => {
    const counts = [
      { scope: "package", tier: "counter", rows: 2 },
      { scope: "wall", tier: "external", rows: 1 },
      { scope: "package", tier: "sampled", rows: 1 },
    ];
    expect(energyRanking("decode_j_per_token", undefined, counts)).toMatchObject({ sort: "decode_j_per_token", scope: "package", chosen: "default" });
    expect(energyRanking("tokens_per_joule", "wall", counts)).toMatchObject({ scope: "wall", chosen: "asked", scopes: [{ scope: "package", rows: 3 }, { scope: "wall", rows: 1 }] });
    // A well-formed scope with no rows is still the one asked for: the board is empty, not another scope's.
    expect(energyRanking("prefill_j_per_token", "battery", counts)).toMatchObject({ scope: "battery", chosen: "asked" });
    expect(energyRanking("decode_j_per_token", undefined, [])).toEqual({ sort: "decode_j_per_token", scope: null, chosen: "default", scopes: [] });
    expect(energyRanking("tg_ts", undefined, counts)).toBeNull();
    expect(energyRanking("tg_ts", "wall", counts)).toBeNull();
  });
});

describe("the board's note on an energy ranking", () => {
  const href = (patch: Record<string, string>) => `/leaderboard?${new URLSearchParams(patch)}`;
  const note = (ranking: Parameters<typeof EnergyRankingNote>[0]["ranking"]) => renderToStaticMarkup(createElement(EnergyRankingNote, { ranking, label: "Decode J/token", href }));
  const counts = [
    { scope: "wall", tier: "external", rows: 2 },
    { scope: "wall", tier: "sampled", rows: 1 },
    { scope: "package+dram+gpu", tier: "counter", rows: 2 },
    { scope: "battery", tier: "battery", rows: 1 },
  ];

  it("says which scope it ranks, why, how its rows were measured, and links every other scope", () => {
    const html = note(energyRanking("decode_j_per_token", undefined, counts)!);
    expect(html).toContain("Ranked by Decode J/token within scope <strong>wall</strong> (the scope with the most rows; 3 rows, measured by external (2), sampled (1))");
    expect(html).toContain("2 other scopes:");
    expect(html).toContain('href="/leaderboard?energyScope=package%2Bdram%2Bgpu"');
    expect(html).toContain('href="/leaderboard?energyScope=battery"');
    expect(html).not.toContain('href="/leaderboard?energyScope=wall"');
    expect(html).toContain('data-scope="wall"');
  });

  it("says when the asked scope has no row, and when nothing can be ranked", () => {
    const asked = note(energyRanking("decode_j_per_token", "soc", counts)!);
    expect(asked).toContain("No row has a measured Decode J/token in scope <strong>soc</strong>");
    expect(asked).toContain("3 other scopes:");
    expect(note(energyRanking("decode_j_per_token", "battery", counts)!)).toContain("within scope <strong>battery</strong> (as asked; 1 row, measured by battery (1))");
    const none = note(energyRanking("decode_j_per_token", undefined, [])!);
    expect(none).toContain("nothing to rank");
    expect(none).not.toContain("other scope");
  });
});
