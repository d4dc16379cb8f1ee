/** The leaderboard's optional Score column (app/leaderboard/columns.tsx): scored rows, blank rows, hidden when no row scores. */
import { describe, expect, it } from "vitest";
import { boardColumns, rowScore } from "../../app/leaderboard/columns";
import { SCORE_REFERENCE as ref } from "../../lib/core/measure/score";
import type { LeaderboardRow } from "../../lib/server/read/leaderboard";

const row = (o: Partial<LeaderboardRow>): LeaderboardRow =>
  ({
    deviceId: 1, modelId: 1, modelName: ref.modelName, quantization: ref.quantization, ppWorkload: "pp512", tgWorkload: "tg128",
    ppTokensPerSec: ref.pp512Ts, tgTokensPerSec: ref.tg128Ts, ttftMs: ref.ttftMs, ttftPromptTokens: ref.ttftPromptTokens, ...o,
  }) as LeaderboardRow;

describe("the leaderboard's score column", () => {
  it("scores a pp512/tg128 row of the score's model, and no other", () => {
    expect(rowScore(row({}))).toBe(1000);
    expect(rowScore(row({ tgTokensPerSec: ref.tg128Ts * 8 }))).toBe(2000);
    // Figures from the database may come as strings.
    expect(rowScore(row({ ppTokensPerSec: String(ref.pp512Ts) }))).toBe(1000);
    expect(rowScore(row({ ppWorkload: "pp128" }))).toBeNull();
    expect(rowScore(row({ modelName: "SmolLM2-135M" }))).toBeNull();
    expect(rowScore(row({ ttftMs: null }))).toBeNull();
  });

  it("is shown when picked and a row scores, hidden with the others when none does", () => {
    const q = { sort: "tg_ts", dir: "desc", view: "speed", cols: "tg_ts,score" } as const;
    const shown = boardColumns(q, [row({})], () => "");
    expect(shown.columns.map((c) => c.key ?? c.header)).toContain("score");
    const hidden = boardColumns(q, [row({ modelName: "SmolLM2-135M" })], () => "");
    expect(hidden.columns.map((c) => c.key ?? c.header)).not.toContain("score");
    expect(hidden.hidden).toEqual(["Score"]);
  });
});
