/**
 * POST /api/v1/scenarios: save a TCO scenario (validated field by field); answers its id, the
 * owner's URL and a signed read-only URL that anyone the owner sends it to can open.
 */
import { z } from "zod";
import { safeString } from "../../core/contracts/text";
import { validateInputs } from "../../core/tco/inputs";
import { BODY_LIMITS } from "../env";
import { BodyError, readBody } from "../http/body";
import type { Handler, ServerDeps } from "../http/deps";
import type { Db } from "../db/client";
import { apiError } from "../http/http";
import { saveScenario, SCENARIOS_PER_HOUR } from "../store/scenarios";
import { createRateLimiter, createSharedRateLimiter, type KeyLimiter } from "../http/rate-limit";
import { refuse } from "../http/refusals";
import { ownerCredential } from "../store/owner-credential";
import { serverDataDir } from "../env";
import { shareSignature } from "../http/owner-access";
import { addressKey } from "../http/client-address";

const bodySchema = z.object({ name: safeString(200, { min: 1 }), inputs: z.record(safeString(100), z.unknown()) });

/** Saved scenarios are public links: a client saves at most 10 a minute (5 at once). */
const PER_CLIENT = { ratePerMin: 10, burst: 5 } as const;
const memoryLimiter = createRateLimiter(PER_CLIENT.ratePerMin, PER_CLIENT.burst);
const sharedLimiters = new WeakMap<Db, KeyLimiter>();

/**
 * On PostgreSQL the client's bucket is in the database (every server process and host shares it:
 * a per-process bucket let a client save 10 a minute per process); the embedded database has one process.
 */
function scenarioLimiter(deps: ServerDeps): KeyLimiter {
  if (deps.dbKind !== "postgres") return memoryLimiter;
  let l = sharedLimiters.get(deps.db);
  if (!l) sharedLimiters.set(deps.db, (l = createSharedRateLimiter(deps.db, PER_CLIENT.ratePerMin, PER_CLIENT.burst)));
  return l;
}

export const postScenario: Handler = async (req, deps, _params, info) => {
  const wait = await scenarioLimiter(deps).take(`scenario:${addressKey(info.clientIp)}`);
  if (wait > 0) return refuse("rate_limited", `too many saved scenarios; retry in ${wait} s`, { "retry-after": String(wait) });
  let body;
  try {
    body = await readBody(req, bodySchema, BODY_LIMITS.scenarioBytes);
  } catch (e) {
    if (e instanceof BodyError) return apiError(400, "invalid_scenario", "invalid scenario", e.issues);
    throw e;
  }
  const v = validateInputs(body.inputs);
  if (!v.ok) {
    return apiError(400, "invalid_inputs", "some inputs are out of range", Object.entries(v.errors).map(([path, message]) => ({ path: `inputs.${path}`, message: message! })));
  }
  const id = await saveScenario(deps.db, body.name, v.inputs);
  // Every client together: a flood from many addresses is bounded too (the table is public links).
  if (id == null) return refuse("rate_limited", `this server takes at most ${SCENARIOS_PER_HOUR} saved scenarios an hour from everyone together; retry later (the page's address keeps your inputs meanwhile)`, { "retry-after": "600" });
  const sig = shareSignature(ownerCredential(serverDataDir()), id);
  return Response.json({ id, url: `/tco?scenario=${id}`, shareUrl: `/tco/shared/${id}?sig=${sig}` }, { status: 201 });
};
