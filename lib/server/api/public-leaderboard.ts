/** GET /api/v1/public/leaderboard: the published leaderboard as JSON or CSV (schema version 1). */
import { toCsv } from "../../core/present/csv";
import { readQuery } from "../http/body";
import type { Handler } from "../http/deps";
import { leaderboard, LEADERBOARD_COLUMNS, leaderboardQuerySchema } from "../read/leaderboard";

export const getLeaderboard: Handler = async (req, deps) => {
  // The public API never shows private runs, whoever asks (the owner's page does, behind the owner's session).
  const q = { ...readQuery(req, leaderboardQuerySchema), private: undefined };
  const rows = await leaderboard(deps.readDb ?? deps.db, q);
  if (q.format === "csv") {
    return new Response(toCsv(rows, LEADERBOARD_COLUMNS), {
      headers: { "content-type": "text/csv; charset=utf-8", "content-disposition": 'attachment; filename="tokenwatt-leaderboard.csv"', "x-schema-version": "1" },
    });
  }
  return Response.json({ schemaVersion: 1, columns: LEADERBOARD_COLUMNS, query: q, rows });
};
