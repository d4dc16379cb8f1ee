/**
 * GET /api/v1/results: filters and cursor pagination, JSON or CSV (`format=csv` or Accept: text/csv).
 * Results are private until published: without an admin token only published results are listed.
 */
import type { Db } from "../db/client";
import { listResults, RESULT_COLUMNS, resultFiltersSchema } from "../read/results";
import { toCsv } from "../../core/present/csv";
import { authenticate } from "../store/tokens";
import { toFieldIssues } from "../../core/contracts/submission";
import { apiError, guarded } from "../http/http";

export function handleResultsGet(req: Request, db: Db): Promise<Response> {
  return guarded(async () => {
    const url = new URL(req.url);
    const params = Object.fromEntries(url.searchParams);
    if (!params.format && req.headers.get("accept")?.includes("text/csv")) params.format = "csv";
    const parsed = resultFiltersSchema.strict().safeParse(params);
    if (!parsed.success) {
      const issues = toFieldIssues(parsed.error.issues);
      return apiError(400, "invalid_query", "invalid query parameters", issues);
    }
    const auth = req.headers.get("authorization") ? await authenticate(db, req.headers.get("authorization")) : null;
    if (auth && !auth.ok) return apiError(auth.reason === "revoked" ? 403 : 401, "unauthorized", "unknown or revoked token");
    const page = await listResults(db, parsed.data, auth?.ok === true && auth.role === "admin");
    if (parsed.data.format === "csv") {
      return new Response(toCsv(page.results, RESULT_COLUMNS), {
        headers: {
          "content-type": "text/csv; charset=utf-8",
          "content-disposition": 'attachment; filename="tokenwatt-results.csv"',
          ...(page.nextCursor ? { "x-next-cursor": String(page.nextCursor) } : {}),
        },
      });
    }
    return Response.json(page);
  });
}
