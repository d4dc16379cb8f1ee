/** Request bodies checked against a zod schema: a 400 with field issues when they do not fit. */
import type { z } from "zod";
import { toFieldIssues, type FieldIssue } from "../../core/contracts/submission";
import { readJson } from "./http";

export class BodyError extends Error {
  constructor(
    readonly issues: FieldIssue[],
    readonly code = "invalid_request",
  ) {
    super(`the request has ${issues.length} invalid field(s)`);
    this.name = "BodyError";
  }
}

/** Reads at most `maxBytes` of JSON and parses it with `schema`; throws HttpError (413, 400) or BodyError. */
export async function readBody<T extends z.ZodType>(req: Request, schema: T, maxBytes: number, emptyIsObject = false): Promise<z.infer<T>> {
  const raw = emptyIsObject && (req.headers.get("content-length") === "0" || !req.body) ? {} : await readJson(req, maxBytes);
  const r = schema.safeParse(raw);
  if (!r.success) throw new BodyError(toFieldIssues(r.error.issues));
  return r.data;
}

/** Query parameters parsed with `schema`; BodyError "invalid_query" when they do not fit. */
export function readQuery<T extends z.ZodType>(req: Request, schema: T, extra: Record<string, string> = {}): z.infer<T> {
  const r = schema.safeParse({ ...Object.fromEntries(new URL(req.url).searchParams), ...extra });
  if (!r.success) throw new BodyError(toFieldIssues(r.error.issues), "invalid_query");
  return r.data;
}
