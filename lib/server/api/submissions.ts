/**
 * POST /api/v1/submissions, independent of Next so tests can call it with a plain Request:
 * authenticate (401 none/unknown, 403 revoked), rate-limit per token (429), read at most 1 MB (413),
 * validate (400 with field issues), ingest in one transaction (201 created, 200 duplicate).
 *
 * A browser without a runner token sends `Authorization: Pairing <code>` instead: a code from the
 * dashboard, valid for minutes and for one submission (see lib/server/store/pairing.ts).
 * An agent token submits only for the device its agent registered (403 otherwise).
 */
import { parseSubmission } from "../../core/contracts/submission";
import type { Db } from "../db/client";
import { agentForToken } from "../fleet/agents";
import { deviceFingerprint, ingestSubmission } from "../store/ingest";
import { attachPairingSubmission, claimPairingCode, releasePairingCode } from "../store/pairing";
import { authenticate } from "../store/tokens";
import { MAX_BODY_BYTES } from "../env";
import { apiError, guarded, readJson } from "../http/http";
import type { RateLimiter } from "../http/rate-limit";

export interface IngestDeps {
  db: Db;
  limiter: RateLimiter;
  maxBodyBytes?: number;
  /** The client's address, for rate-limiting paired (tokenless) uploads per client. */
  clientIp?: string;
}

export function handleSubmissionPost(req: Request, deps: IngestDeps): Promise<Response> {
  return guarded(async () => {
    const pairing = /^Pairing\s+(\S[^\r\n]{0,40})$/i.exec(req.headers.get("authorization") ?? "");
    if (pairing) return pairedUpload(req, deps, pairing[1]!.trim());
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
    if (auth.role === "agent") {
      const agent = await agentForToken(deps.db, auth.tokenId);
      if (!agent) return apiError(403, "agent_not_registered", "this agent token has no registered agent; start `tokenwatt agent` with it first");
      if (deviceFingerprint(parsed.submission.device) !== agent.deviceFingerprint) {
        return apiError(403, "device_mismatch", "an agent token submits results only for the device its agent registered");
      }
    }
    const r = await ingestSubmission(deps.db, parsed.submission, auth.tokenId);
    return Response.json(
      { submissionId: r.submissionId, status: r.status, plausible: r.plausible, flags: r.flags },
      { status: r.status === "created" ? 201 : 200 },
    );
  });
}

const PAIRING_REFUSALS = {
  malformed: "a pairing code has 8 letters and digits, like ABCD-EF23",
  unknown: "unknown pairing code; create a new one on the dashboard's Run page",
  expired: "this pairing code has expired; create a new one on the dashboard's Run page",
  used: "this pairing code has already delivered a submission; codes work once",
} as const;

async function pairedUpload(req: Request, deps: IngestDeps, code: string): Promise<Response> {
  // One bucket per client address: guessing codes at this rate is hopeless (31^8 codes), and one
  // client cannot use up the uploads of every phone.
  const wait = deps.limiter.take(`pairing:${deps.clientIp ?? "unknown"}`);
  if (wait > 0) return apiError(429, "rate_limited", `too many paired uploads; retry in ${wait} s`, undefined, { "retry-after": String(wait) });
  const body = await readJson(req, deps.maxBodyBytes ?? MAX_BODY_BYTES);
  const parsed = parseSubmission(body);
  if (!parsed.ok) {
    return apiError(400, "invalid_submission", `the submission has ${parsed.issues.length} invalid field(s)`, parsed.issues);
  }
  const claim = await claimPairingCode(deps.db, code, parsed.submission.submissionId);
  if (!claim.ok) return apiError(401, `pairing_${claim.reason}`, PAIRING_REFUSALS[claim.reason]);
  let r;
  try {
    // A code already used for this very submission (the phone never got the first answer): ingest
    // is idempotent on the submission id and answers "duplicate".
    r = await ingestSubmission(deps.db, parsed.submission, null);
  } catch (e) {
    if (!claim.delivered) await releasePairingCode(deps.db, claim.id).catch(() => {});
    throw e;
  }
  await attachPairingSubmission(deps.db, claim.id, r.submissionId);
  return Response.json(
    { submissionId: r.submissionId, status: r.status, plausible: r.plausible, flags: r.flags },
    { status: r.status === "created" ? 201 : 200 },
  );
}
