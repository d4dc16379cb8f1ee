/** POST /api/v1/scenarios: save a TCO scenario (validated field by field); answers its id and URL. */
import { z } from "zod";
import { safeString } from "../../core/contracts/text";
import { validateInputs } from "../../core/tco/inputs";
import { BODY_LIMITS } from "../env";
import { BodyError, readBody } from "../http/body";
import type { Handler } from "../http/deps";
import { apiError } from "../http/http";
import { saveScenario } from "../store/scenarios";

const bodySchema = z.object({ name: safeString(200, { min: 1 }), inputs: z.record(safeString(100), z.unknown()) });

export const postScenario: Handler = async (req, deps) => {
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
  return Response.json({ id, url: `/tco?scenario=${id}` }, { status: 201 });
};
