/**
 * POST /api/v1/submissions: authenticate (the one gate), rate-limit per token (429), read at most
 * 1 MB (413), validate (400 with field issues), ingest in one transaction (201 created, 200
 * duplicate).
 *
 * A browser without a runner token sends `Authorization: Pairing <code>` instead: a code from the
 * dashboard, valid for minutes and for one submission (see lib/server/store/pairing.ts).
 * An agent token submits only for the device its agent registered (403 otherwise). The owner
 * credential stores as the local CLI does (no token).
 */
import { parseSubmission, type Submission } from "../../core/contracts/submission";
import { BODY_LIMITS } from "../env";
import type { IngestResult } from "../store/ingest";
import { attachPairingSubmission, claimPairingCode, pairingCodeState, releasePairingCode } from "../store/pairing";
import { callerOfHeader } from "../access/caller";
import { authenticateAndTake, TOKEN_ROLES } from "../store/tokens";
import { authorize, may } from "../access/policy";
import { storeSubmission } from "../ops/submissions";
import type { Handler, ServerDeps } from "../http/deps";
import { apiError, readJson } from "../http/http";
import { refuse } from "../http/refusals";
import { addressKey } from "../http/client-address";
import { withCpuTime } from "../http/cpu-budget";

/**
 * An upload as a transport hands it over: the route table's handler (a web Request) or the
 * production server's own path for uploads (node.ts, without Request and Response objects).
 */
export interface Upload {
  authorization: string | null;
  /** Reads and parses the JSON body (http.ts readJsonBody): throws HttpError 415, 413, 429, 503, 400. */
  json(maxBytes: number): Promise<unknown>;
  clientIp: string | null;
}

async function readSubmission(u: Upload): Promise<{ ok: true; submission: Submission } | { ok: false; response: Response }> {
  const parsed = parseSubmission(await u.json(BODY_LIMITS.submissionBytes));
  if (parsed.ok) return parsed;
  return { ok: false, response: apiError(400, "invalid_submission", `the submission has ${parsed.issues.length} invalid field(s)`, parsed.issues) };
}

/** A stored submission's answer: its status (201 created, 200 duplicate) and JSON body. */
export function answerOf(r: IngestResult) {
  return {
    status: r.status === "created" ? 201 : 200,
    body: { submissionId: r.submissionId, status: r.status, plausible: r.plausible, flags: r.flags, ...(r.outputStatus !== undefined && { outputStatus: r.outputStatus }) },
  };
}

const rateLimited = (wait: number, what: string) => refuse("rate_limited", `too many ${what}; retry in ${wait} s`, { "retry-after": String(wait) });

/** Every token role may submit, so a token's rate limit may be taken in the statement that checks it (before `authorize`). */
const EVERY_TOKEN_SUBMITS = TOKEN_ROLES.every((role) => may({ kind: "token", role, tokenId: 0, name: "" }, "submit"));

export const postSubmission: Handler = async (req, deps, _params, info) => {
  const r = await acceptUpload({ authorization: req.headers.get("authorization"), json: (max) => readJson(req, max), clientIp: info.clientIp }, deps);
  if (r instanceof Response) return r;
  const a = answerOf(r);
  return Response.json(a.body, { status: a.status });
};

/** POST /api/v1/submissions on either transport: the stored submission, or the refusal to answer. Throws what `errorResponse` answers. */
export async function acceptUpload(u: Upload, deps: ServerDeps): Promise<IngestResult | Response> {
  const pairing = /^Pairing\s+(\S[^\r\n]{0,40})$/i.exec(u.authorization ?? "");
  if (pairing) return pairedUpload(u, deps, pairing[1]!.trim());
  // The caller is resolved, and refused, before the body is read (a bad token costs no parsing).
  // With the shared limiter (PostgreSQL) a token's check and its rate limit are one statement.
  let tokenWait: number | null = null;
  const takeForToken = EVERY_TOKEN_SUBMITS ? deps.limiter.takeForToken?.bind(deps.limiter) : undefined;
  const caller = await callerOfHeader(
    u.authorization,
    deps.db,
    takeForToken &&
      (async (header) => {
        const r = await authenticateAndTake(deps.db, header, takeForToken);
        tokenWait = r.wait;
        return r.auth;
      }),
  );
  authorize(caller, "submit");
  const wait = tokenWait ?? (await deps.limiter.take(caller.kind === "token" ? `token:${caller.tokenId}` : "owner"));
  if (wait > 0) return rateLimited(wait, "submissions for this token");
  // CPU: a token in debt waits, and so does everyone when the process is (checked before the body).
  const cpuKeys = [caller.kind === "token" ? `cpu:token:${caller.tokenId}` : "cpu:owner", "cpu:process"];
  const cpuWait = Math.max(...cpuKeys.map((k) => deps.cpuBudget?.wait(k) ?? 0));
  if (cpuWait > 0) return rateLimited(cpuWait, "CPU time spent on this token's submissions (or the server's)");
  const read = await readSubmission(u);
  if (!read.ok) return read.response;
  const { value, cpuMs } = await withCpuTime(() => storeSubmission.run({ db: deps.db }, caller, read.submission));
  for (const k of cpuKeys) deps.cpuBudget?.charge(k, cpuMs);
  return value;
}

async function pairedUpload(u: Upload, deps: ServerDeps, code: string): Promise<IngestResult | Response> {
  // One bucket per client address: guessing codes at this rate is hopeless (31^8 codes), and one
  // client cannot use up the uploads of every phone.
  const wait = await deps.limiter.take(`pairing:${addressKey(u.clientIp)}`);
  if (wait > 0) return rateLimited(wait, "paired uploads");
  // The code is checked before the body is read: a bad code costs no parsing.
  const state = await pairingCodeState(deps.db, code);
  if (state !== "open" && state !== "delivered") return refuse(`pairing_${state}`);
  const read = await readSubmission(u);
  if (!read.ok) return read.response;
  const claim = await claimPairingCode(deps.db, code, read.submission.submissionId);
  if (!claim.ok) return refuse(`pairing_${claim.reason}`);
  let r;
  try {
    // A code already used for this very submission (the phone never got the first answer): ingest
    // is idempotent on the submission id and answers "duplicate".
    r = await storeSubmission.run({ db: deps.db }, { kind: "pairing" }, read.submission);
  } catch (e) {
    if (!claim.delivered) await releasePairingCode(deps.db, claim.id).catch(() => {});
    throw e;
  }
  await attachPairingSubmission(deps.db, claim.id, r.submissionId);
  return r;
}
