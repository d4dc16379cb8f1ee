/** Server start: open and migrate the database; share the embedded one with the CLI. */
import { DatabaseBusyError, getDb } from "./db/client";
import { serveEmbedded } from "./db/embedded-server";
import { loadEnv } from "./env";
import { startAgentReaper } from "./fleet/reaper";

export async function startServerServices(): Promise<void> {
  const env = loadEnv();
  // A CLI command may hold the embedded database for a moment: wait for it rather than fail.
  let h;
  for (let waited = 0; ; waited += 250) {
    try {
      h = await getDb();
      break;
    } catch (e) {
      if (!(e instanceof DatabaseBusyError) || waited > 60_000) throw e;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  console.log(`[tokenwatt] database: ${h.kind} (${h.location})`);
  if (h.kind === "pglite") {
    try {
      await serveEmbedded(h);
    } catch (e) {
      console.warn("[tokenwatt] could not share the embedded database with the CLI:", (e as Error).message);
    }
  }
  // Agents: pg-boss starts with the first agent request; the reaper fails jobs of silent agents.
  startAgentReaper(env.TOKENWATT_AGENT_TIMEOUT_S);
}
