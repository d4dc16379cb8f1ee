/** Saved TCO scenarios: validated inputs stored as JSON with the model version. */
import { eq } from "drizzle-orm";
import { z } from "zod";
import { MODEL_VERSION, type TcoInputs } from "../../core/tco/model";
import type { Db } from "../db/client";
import { tcoScenarios } from "../db/schema";

export async function saveScenario(db: Db, name: string, inputs: TcoInputs): Promise<string> {
  const [row] = await db.insert(tcoScenarios).values({ name, inputs, modelVersion: MODEL_VERSION }).returning({ id: tcoScenarios.id });
  return row!.id;
}

export async function loadScenario(db: Db, id: string) {
  if (!z.uuid().safeParse(id).success) return null;
  const [row] = await db.select().from(tcoScenarios).where(eq(tcoScenarios.id, id));
  return row ?? null;
}
