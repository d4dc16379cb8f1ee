/**
 * First start on a fresh machine (`npm start`): when the database holds no results yet, measure
 * this machine once, with a quick suite on a small model, so a new user sees a real measured row.
 * The model is SmolLM2-135M's exact shape with random weights (no download needed; labelled
 * synthetic), or TOKENWATT_FIRST_RUN_MODEL. TOKENWATT_FIRST_RUN=0 turns it off.
 */
import { count } from "drizzle-orm";
import { openDbForCli } from "../lib/server/db/embedded-server";
import { workloadResults } from "../lib/server/db/schema";
import { bench } from "../runners/cli/bench";

export async function firstRun(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  if (env.TOKENWATT_FIRST_RUN === "0") return;
  const h = await openDbForCli();
  let n: number;
  try {
    n = (await h.db.select({ n: count() }).from(workloadResults))[0]!.n;
  } finally {
    await h.close();
  }
  if (n > 0) return;
  const model = env.TOKENWATT_FIRST_RUN_MODEL || "synthetic:smollm2-135m:Q8_0";
  console.log(`[tokenwatt] no results yet: measuring this machine once (${model}, quick suite; TOKENWATT_FIRST_RUN=0 skips this)`);
  try {
    const { code } = await bench({
      model,
      suite: "quick",
      repetitions: "3",
      backend: "cpu",
      build: "auto",
      output: "md",
      idleSeconds: "2",
      power: true,
      bandwidth: true,
      progress: false,
    });
    if (code !== 0) console.warn("[tokenwatt] the first measurement had failures; see the table above");
  } catch (e) {
    console.warn(`[tokenwatt] first measurement failed: ${(e as Error).message}; the server starts anyway`);
  }
}
