/**
 * POST /api/v1/submissions, independent of Next so tests can call it with a plain Request:
 * authenticate (401 none/unknown, 403 revoked), rate-limit per token (429), read at most 1 MB (413),
 * validate (400 with field issues), ingest in one transaction (201 created, 200 duplicate).
 */
import { parseSubmission } from "../contracts/submission";
import type { Db } from "../db/client";
import { ingestSubmission } from "../db/ingest";
import { authenticate } from "../db/tokens";
import { MAX_BODY_BYTES } from "../env";
import { apiError, guarded, readJson } from "./http";
import type { RateLimiter } from "./rate-limit";

export interface IngestDeps {
  db: Db;
  limiter: RateLimiter;
  maxBodyBytes?: number;
}

export function handleSubmissionPost(req: Request, deps: IngestDeps): Promise<Response> {
  return guarded(async () => {
    const auth = await authenticate(deps.db, req.headers.get("authorization"));
    if (!auth.ok) {
      if (auth.reason === "revoked") return apiError(403, "token_revoked", "this runner token has been revoked");
      return apiError(
        401,
        auth.reason === "missing" ? "missing_token" : "unknown_token",
        auth.reason === "missing"
          ? "send a runner token as 'Authorization: Bearer <token>' (create one with `npx tokenwatt token create --name NAME`)"
          : "unknown runner token",
        undefined,
        { "www-authenticate": 'Bearer realm="tokenwatt"' },
      );
    }
    const wait = deps.limiter.take(`token:${auth.tokenId}`);
    if (wait > 0) {
      return apiError(429, "rate_limited", `too many submissions for this token; retry in ${wait} s`, undefined, {
        "retry-after": String(wait),
      });
    }
    const body = await readJson(req, deps.maxBodyBytes ?? MAX_BODY_BYTES);
    const parsed = parseSubmission(body);
    if (!parsed.ok) {
      return apiError(400, "invalid_submission", `the submission has ${parsed.issues.length} invalid field(s)`, parsed.issues);
    }
    const r = await ingestSubmission(deps.db, parsed.submission, auth.tokenId);
    return Response.json(
      { submissionId: r.submissionId, status: r.status, plausible: r.plausible, flags: r.flags },
      { status: r.status === "created" ? 201 : 200 },
    );
  });
}
