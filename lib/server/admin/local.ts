/** Admin operations on the database itself: when no server runs on this data directory. */
import { count } from "drizzle-orm";
import type { DbHandle } from "../db/client";
import { workloadResults } from "../db/schema";
import { leaderboard, setPublished } from "../read/leaderboard";
import { ingestSubmission } from "../store/ingest";
import { listLayouts, recordLayout } from "../store/model-catalog";
import { ExplainError, explainOutput } from "../store/output-explanation";
import { createToken, listTokens, revokeToken, TokenError } from "../store/tokens";
import { AdminError, type AdminOps } from "./ops";

const asAdminError = async <T>(p: Promise<T>): Promise<T> => {
  try {
    return await p;
  } catch (e) {
    if (e instanceof TokenError) throw new AdminError(e.message);
    throw e;
  }
};

export function localAdmin(h: DbHandle): AdminOps {
  return {
    where: `the ${h.kind} database (${h.location})`,
    createToken: (name, role) => asAdminError(createToken(h.db, name, role)),
    listTokens: () => listTokens(h.db),
    revokeToken: (name) => asAdminError(revokeToken(h.db, name)),
    publish: (target, published) => setPublished(h.db, target, published),
    leaderboard: (q) => leaderboard(h.db, q),
    explainOutput: async (id, reason) => {
      try {
        return await explainOutput(h.db, id, reason);
      } catch (e) {
        if (e instanceof ExplainError) throw new AdminError(e.message);
        throw e;
      }
    },
    store: (s) => ingestSubmission(h.db, s, null, { vouchedBy: "owner" }),
    addLayout: (m, opts) => recordLayout(h.db, m, "owner", opts),
    listLayouts: () => listLayouts(h.db),
    hasResults: async () => (await h.db.select({ n: count() }).from(workloadResults))[0]!.n > 0,
    close: () => h.close(),
  };
}
