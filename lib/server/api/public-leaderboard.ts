/** GET /api/v1/public/leaderboard: the published leaderboard as JSON or CSV (schema version 1). */
import type { Db } from "../db/client";
import { leaderboard, LEADERBOARD_COLUMNS, leaderboardQuerySchema } from "../read/leaderboard";
import { toCsv } from "../../core/present/csv";
import { toFieldIssues } from "../../core/contracts/submission";
import { apiError, guarded } from "../http/http";

export function handleLeaderboardGet(req: Request, db: Db): Promise<Response> {
  return guarded(async () => {
    const q = leaderboardQuerySchema.safeParse(Object.fromEntries(new URL(req.url).searchParams));
    if (!q.success) return apiError(400, "invalid_query", "invalid query parameters", toFieldIssues(q.error.issues));
    const rows = await leaderboard(db, q.data);
    if (q.data.format === "csv") {
      return new Response(toCsv(rows, LEADERBOARD_COLUMNS), {
        headers: { "content-type": "text/csv; charset=utf-8", "content-disposition": 'attachment; filename="tokenwatt-leaderboard.csv"', "x-schema-version": "1" },
      });
    }
    return Response.json({ schemaVersion: 1, columns: LEADERBOARD_COLUMNS, query: q.data, rows });
  });
}
