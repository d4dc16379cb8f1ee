/**
 * Where a finished submission goes. The device side (runners/) knows only this interface: the
 * HTTP upload to a server implements it (runners/upload), and so does the owner's local store
 * (lib/server/admin: through the running server's API, or the database when no server runs),
 * which the composition root (bin/) hands to the CLI.
 */
import type { Submission } from "./submission";

export type SinkOutcome =
  | { ok: true; status: "created" | "duplicate"; plausible: boolean | null; flags: { message: string }[] }
  | { ok: false; retryable: boolean; message: string };

export interface SubmissionSink {
  /** For messages: "the pglite database (/home/u/.tokenwatt)", "the server at http://...". */
  readonly where: string;
  deliver(s: Submission): Promise<SinkOutcome>;
  close(): Promise<void>;
}

/** Opens the owner's local store; provided by bin/ (runners/ never opens a database). */
export type OpenLocalSink = () => Promise<SubmissionSink>;
