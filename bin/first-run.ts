/**
 * First start on a fresh machine (`npm start`): when the database holds no results yet, measure
 * this machine once, with a quick suite on a small model, so a new user sees a real measured row.
 * The model is SmolLM2-135M's exact shape with random weights (no download needed; labelled
 * synthetic), or TOKENWATT_FIRST_RUN_MODEL. TOKENWATT_FIRST_RUN=0 turns it off.
 */
import { bench } from "../runners/cli/bench";
import { runnerEnv } from "../runners/env";
import { cliDeps, openOwnerAdmin } from "./cli";

export async function firstRun(): Promise<void> {
  const env = runnerEnv();
  if (env.TOKENWATT_FIRST_RUN === "0") return;
  const ops = await openOwnerAdmin();
  let measured: boolean;
  try {
    measured = await ops.hasResults();
  } finally {
    await ops.close();
  }
  if (measured) return;
  const model = env.TOKENWATT_FIRST_RUN_MODEL;
  console.log(`[tokenwatt] no results yet: measuring this machine once (${model}, quick suite; TOKENWATT_FIRST_RUN=0 skips this)`);
  try {
    const { code } = await bench(
      { model, suite: "quick", repetitions: "3", backend: "cpu", build: "auto", output: "md", idleSeconds: "2", power: true, bandwidth: true, progress: false },
      cliDeps,
    );
    if (code !== 0) console.warn("[tokenwatt] the first measurement had failures; see the table above");
  } catch (e) {
    console.warn(`[tokenwatt] first measurement failed: ${(e as Error).message}; the server starts anyway`);
  }
}
