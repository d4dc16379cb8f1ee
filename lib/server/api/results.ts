/**
 * GET /api/v1/results: filters and cursor pagination, JSON or CSV (`format=csv` or Accept: text/csv).
 * Results are private until published: without an admin token (or the owner credential) only
 * published results are listed.
 */
import { toCsv } from "../../core/present/csv";
import { audienceOf } from "../access/audience";
import { callerOf } from "../access/caller";
import { readQuery } from "../http/body";
import type { Handler } from "../http/deps";
import { listResults, RESULT_COLUMNS, resultFiltersSchema } from "../read/results";

export const getResults: Handler = async (req, deps) => {
  const wantsCsv = !new URL(req.url).searchParams.has("format") && req.headers.get("accept")?.includes("text/csv");
  const filters = readQuery(req, resultFiltersSchema.strict(), wantsCsv ? { format: "csv" } : {});
  // A bad token is refused (callerOf throws the refusal); no token: the public's results.
  const page = await listResults(deps.db, filters, audienceOf(await callerOf(req, deps.db)));
  if (filters.format === "csv") {
    return new Response(toCsv(page.results, RESULT_COLUMNS), {
      headers: {
        "content-type": "text/csv; charset=utf-8",
        "content-disposition": 'attachment; filename="tokenwatt-results.csv"',
        ...(page.nextCursor ? { "x-next-cursor": String(page.nextCursor) } : {}),
      },
    });
  }
  return Response.json(page);
};
