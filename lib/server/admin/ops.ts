/**
 * What the owner's admin commands do (token, publish, snapshot, and storing a local run), one
 * interface with two implementations: through the running server's HTTP API with the owner
 * credential (remote.ts), or on the database itself when no server runs (local.ts). open.ts picks.
 */
import type { Submission } from "../../core/contracts/submission";
import type { LeaderboardQuery, LeaderboardRow, PublishTarget } from "../read/leaderboard";
import type { IngestResult } from "../store/ingest";
import type { TokenRole } from "../store/tokens";
import type { CatalogEntry } from "../store/model-catalog";
import type { ModelInfo } from "../../core/contracts/submission";

export interface TokenInfo {
  name: string;
  role: string;
  createdAt: Date;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
}

export interface AdminOps {
  /** Where the commands act, for messages. */
  readonly where: string;
  createToken(name: string, role: TokenRole): Promise<string>;
  listTokens(): Promise<TokenInfo[]>;
  revokeToken(name: string): Promise<void>;
  publish(target: PublishTarget, published: boolean): Promise<{ submissions: number }>;
  leaderboard(q: LeaderboardQuery): Promise<LeaderboardRow[]>;
  /** Lets a run flagged "output differs" back onto the ranking, with the reason. */
  explainOutput(submissionId: string, reason: string): Promise<{ plausible: boolean }>;
  store(s: Submission): Promise<IngestResult>;
  /** Sets the layout the server trusts for a model file (lib/server/store/model-catalog.ts); `replace` overwrites one. */
  addLayout(model: ModelInfo, opts: { moe: boolean; replace: boolean }): Promise<{ recorded: boolean; problems: string[] }>;
  listLayouts(): Promise<CatalogEntry[]>;
  /** Whether any workload result is stored (the first start measures this machine when none is). */
  hasResults(): Promise<boolean>;
  close(): Promise<void>;
}

/** A refusal or failure of an admin operation, said in one line. */
export class AdminError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "AdminError";
  }
}
