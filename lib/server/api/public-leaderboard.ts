/** GET /api/v1/public/leaderboard: the published leaderboard as JSON or CSV (schema version 1). */
import { toCsv } from "../../core/present/csv";
import { readQuery } from "../http/body";
import type { Handler } from "../http/deps";
import { leaderboard, LEADERBOARD_COLUMNS, leaderboardEnergy, leaderboardQuerySchema } from "../read/leaderboard";

export const getLeaderboard: Handler = async (req, deps) => {
  // The public API never shows private runs, whoever asks (the owner's page does, behind the owner's session).
  const q = { ...readQuery(req, leaderboardQuerySchema), private: undefined };
  const db = deps.readDb ?? deps.db;
  // Sorted by an energy figure, the rows are one scope's; the answer says which (and which others there are).
  const energyRanking = await leaderboardEnergy(db, q);
  const rows = await leaderboard(db, q, "public", energyRanking);
  if (q.format === "csv") {
    return new Response(toCsv(rows, LEADERBOARD_COLUMNS), {
      headers: {
        "content-type": "text/csv; charset=utf-8",
        "content-disposition": 'attachment; filename="tokenwatt-leaderboard.csv"',
        "x-schema-version": "1",
        ...(energyRanking?.scope ? { "x-energy-scope": energyRanking.scope } : {}),
      },
    });
  }
  return Response.json({ schemaVersion: 1, columns: LEADERBOARD_COLUMNS, query: q, energyRanking, rows });
};
