/** Admin operations on the database itself, as the owner: when no server runs on this data directory. */
import { count } from "drizzle-orm";
import { OWNER_CLI } from "../access/caller";
import { Refused } from "../access/refused";
import type { DbHandle } from "../db/client";
import { workloadResults } from "../db/schema";
import { OPERATIONS, type OpName } from "../ops";
import { leaderboard } from "../read/leaderboard";
import { storeSubmission } from "../ops/submissions";
import { TokenError } from "../store/tokens";
import { AdminError, type AdminOps } from "./ops";

export function localAdmin(h: DbHandle): AdminOps {
  return {
    where: `the ${h.kind} database (${h.location})`,
    async call(name: OpName, input: unknown) {
      const op = OPERATIONS[name];
      const parsed = op.input.safeParse(input);
      if (!parsed.success) throw new AdminError(parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "));
      try {
        // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the operation's own input, just parsed by its schema
        return await op.run({ db: h.db }, OWNER_CLI, parsed.data as any);
      } catch (e) {
        if (e instanceof Refused || e instanceof TokenError) throw new AdminError(e.message);
        throw e;
      }
    },
    leaderboard: (q) => leaderboard(h.db, q),
    store: (s) => storeSubmission.run({ db: h.db }, OWNER_CLI, s),
    hasResults: async () => (await h.db.select({ n: count() }).from(workloadResults))[0]!.n > 0,
    close: () => h.close(),
  } as AdminOps;
}
