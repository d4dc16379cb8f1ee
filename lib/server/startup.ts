/** Server start: open and migrate the database; share the embedded one with the CLI. */
import { getDb } from "../db/client";
import { serveEmbedded } from "../db/embedded-server";
import { loadEnv } from "../env";

export async function startServerServices(): Promise<void> {
  loadEnv();
  const h = await getDb();
  console.log(`[tokenwatt] database: ${h.kind} (${h.location})`);
  if (h.kind === "pglite") {
    try {
      await serveEmbedded(h);
    } catch (e) {
      console.warn("[tokenwatt] could not share the embedded database with the CLI:", (e as Error).message);
    }
  }
}
