/** Saved TCO scenarios: validated inputs stored as JSON with the model version. */
import { eq, sql } from "drizzle-orm";
import { z } from "zod";
import { MODEL_VERSION, type TcoInputs } from "../../core/tco/model";
import { rowsOf, type Db } from "../db/client";
import { tcoScenarios } from "../db/schema";

/** Scenarios saved in the last hour by everyone together, at most (anyone may save one: they are public links). */
export const SCENARIOS_PER_HOUR = 600;

/**
 * Stores a scenario and returns its id; null, storing nothing, when SCENARIOS_PER_HOUR were saved in
 * the last hour (one statement: the count and the insert; concurrent saves may pass it by a few).
 */
export async function saveScenario(db: Db, name: string, inputs: TcoInputs, perHour = SCENARIOS_PER_HOUR): Promise<string | null> {
  const rows = rowsOf<{ id: string }>(
    await db.execute(sql`
      insert into tco_scenarios (name, inputs, model_version)
      select ${name}, ${JSON.stringify(inputs)}::jsonb, ${MODEL_VERSION}
      where (select count(*) from tco_scenarios where created_at > now() - interval '1 hour') < ${perHour}
      returning id`),
  );
  return rows[0]?.id ?? null;
}

export async function loadScenario(db: Db, id: string) {
  if (!z.uuid().safeParse(id).success) return null;
  const [row] = await db.select().from(tcoScenarios).where(eq(tcoScenarios.id, id));
  return row ?? null;
}
