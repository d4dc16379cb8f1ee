/**
 * The owner's admin client: what the CLI's commands act through. Every admin operation is called by
 * name (`call("publish", {...})`): on the database itself with the owner as caller when no server
 * runs (local.ts), or at the operation's own route of the running server with the owner credential
 * (remote.ts). Both reach the one implementation in lib/server/ops, so there is no list of
 * operations to keep twice; open.ts picks the transport. Storing a run, reading the board and
 * "any results yet?" are the runner's and the public's doors, not admin operations.
 */
import type { Submission } from "../../core/contracts/submission";
import type { OpInput, OpName, OpOutput } from "../ops";
import type { LeaderboardQuery, LeaderboardRow } from "../read/leaderboard";
import type { IngestResult } from "../store/ingest";

export interface AdminOps {
  /** Where the commands act, for messages. */
  readonly where: string;
  /** An operation of lib/server/ops, by name; a refusal is an AdminError with the operation's message. */
  call<K extends OpName>(op: K, input: OpInput<K>): Promise<OpOutput<K>>;
  leaderboard(q: LeaderboardQuery): Promise<LeaderboardRow[]>;
  store(s: Submission): Promise<IngestResult>;
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
