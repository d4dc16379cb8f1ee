/**
 * GET /api/v1/search?q=<words>&limit=<1-50>: devices and models matching every word (lib/server/read/search.ts),
 * for the caller's audience: published ones without an admin token (or the owner), everything with one.
 * A text the search refuses (too long, control characters) is a 400 invalid_query.
 */
import { z } from "zod";
import { parseSearchQuery } from "../../core/present/search-query";
import { audienceOf } from "../access/audience";
import { callerOf } from "../access/caller";
import { BodyError, readQuery } from "../http/body";
import type { Handler } from "../http/deps";
import { search } from "../read/search";

export const searchQuerySchema = z
  .object({
    // Bounded here before the words are read; parseSearchQuery gives the reasons.
    q: z.string().max(4096),
    limit: z.coerce.number().int().min(1).max(50).default(20),
  })
  .strict();

export const getSearch: Handler = async (req, deps) => {
  const { q, limit } = readQuery(req, searchQuerySchema);
  const parsed = parseSearchQuery(q);
  if (!parsed.ok) throw new BodyError([{ path: "q", message: parsed.problem }], "invalid_query");
  const audience = audienceOf(await callerOf(req, deps.db));
  const r = await search(deps.readDb ?? deps.db, parsed.terms, audience, limit);
  return Response.json({ query: parsed.text, terms: parsed.terms, ...r });
};
