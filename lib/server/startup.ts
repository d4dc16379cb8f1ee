/**
 * Server start: open and migrate the database, make the data directory private and its owner
 * credential ready, say where this server listens (for the owner's CLI), start the agent reaper and
 * the keeper of monthly result partitions.
 */
import { ensureOwnerCredential, writeServerInfo } from "./store/owner-credential";
import { DatabaseBusyError, getDb } from "./db/client";
import { serverDataDir, serverEnv } from "./env";
import { startAgentReaper } from "./fleet/reaper";
import { serverDeps } from "./context";
import { startPartitionKeeper } from "./db/partitions";

export async function startServerServices(): Promise<void> {
  const env = serverEnv();
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
  ensureOwnerCredential(serverDataDir());
  announceServer(env.PORT);
  // Agents: the job connection opens with the first agent request; the reaper fails jobs of silent agents.
  startAgentReaper(env.TOKENWATT_AGENT_TIMEOUT_S, serverDeps);
  // Monthly result partitions made ahead while the server runs (every open makes them too).
  startPartitionKeeper(async () => (await getDb()).db);
}

/** Tells the owner's CLI where this server listens (server.json in the data directory, 0600). */
export function announceServer(port: number): void {
  writeServerInfo(serverDataDir(), `http://127.0.0.1:${port}`);
}
