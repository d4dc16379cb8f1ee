/** POST /api/v1/scenarios: save a TCO scenario (validated field by field); answers its id and URL. */
import { z } from "zod";
import type { Db } from "../db/client";
import { saveScenario } from "../store/scenarios";
import { validateInputs } from "../../core/tco/inputs";
import { toFieldIssues } from "../../core/contracts/submission";
import { apiError, guarded, readJson } from "../http/http";

const bodySchema = z.object({ name: z.string().trim().min(1, "name: give the scenario a name").max(200), inputs: z.record(z.string(), z.unknown()) });

export function handleScenarioPost(req: Request, db: Db): Promise<Response> {
  return guarded(async () => {
    const body = bodySchema.safeParse(await readJson(req, 100_000));
    if (!body.success) {
      return apiError(400, "invalid_scenario", "invalid scenario", toFieldIssues(body.error.issues));
    }
    const v = validateInputs(body.data.inputs);
    if (!v.ok) {
      return apiError(400, "invalid_inputs", "some inputs are out of range", Object.entries(v.errors).map(([path, message]) => ({ path: `inputs.${path}`, message: message! })));
    }
    const id = await saveScenario(db, body.data.name, v.inputs);
    return Response.json({ id, url: `/tco?scenario=${id}` }, { status: 201 });
  });
}
