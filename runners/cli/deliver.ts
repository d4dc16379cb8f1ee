/**
 * Where a finished submission goes: always into the outbox first (nothing measured is lost), then
 * uploaded to --server with --token, or stored in the owner's local store (a SubmissionSink that
 * bin/ provides: through the running server, or the database when no server runs). Shared by
 * `bench`, `bench-browser` and `import`.
 */
import path from "node:path";
import type { OpenLocalSink, SinkOutcome } from "../../lib/core/contracts/sink";
import type { Submission } from "../../lib/core/contracts/submission";
import { CliError } from "./cli-error";
import { dataDir } from "../env";
import { Outbox, uploadWithRetries } from "../upload/outbox";

export interface Destination {
  server?: string;
  token?: string;
}

/** What the CLI's commands get from the composition root (bin/). */
export interface CliDeps {
  /** The owner's local store, for runs without --server. */
  openLocalSink: OpenLocalSink;
  /** The owner's login URL on `base` when it is this data directory's own server; else null. */
  ownerLoginUrl?: (base: string) => string | null;
}

export function checkDestination(d: Destination): void {
  if (!d.server) return;
  try {
    new URL(d.server);
  } catch {
    throw new CliError(`--server must be a URL like http://host:3000 (got "${d.server}")`);
  }
  if (!d.token) throw new CliError("--server needs --token (or TOKENWATT_TOKEN)");
}

export const outbox = () => new Outbox(path.join(dataDir(), "outbox"));

/** The run's page on `server` (app/runs/[id]), under any path the server is mounted at. */
export const runPageUrl = (server: string, submissionId: string) => new URL(`runs/${submissionId}`, server.endsWith("/") ? server : `${server}/`).toString();

/** Stores submissions in the local store, each removed from the outbox once stored. */
export async function storeLocally(subs: Submission[], deps: CliDeps, log: (m: string) => void): Promise<SinkOutcome[]> {
  const box = outbox();
  const sink = await deps.openLocalSink();
  const out: SinkOutcome[] = [];
  try {
    for (const s of subs) {
      const r = await sink.deliver(s);
      out.push(r);
      if (r.ok) {
        box.done(s.submissionId);
        const flagged = r.plausible === false ? `; flagged: ${r.flags.map((f) => f.message).join("; ")}` : "";
        log(`stored ${s.submissionId} in ${sink.where} (${r.status})${flagged}`);
      } else log(`could not store ${s.submissionId} in ${sink.where}: ${r.message}. It waits in ${box.dir}`);
    }
  } finally {
    await sink.close();
  }
  return out;
}

/** Returns false when the submission could not be delivered (it waits in the outbox). */
export async function deliver(submission: Submission, d: Destination, deps: CliDeps, log: (m: string) => void): Promise<boolean> {
  const box = outbox();
  box.put(submission);
  if (d.server) {
    const r = await uploadWithRetries(d.server, d.token!, submission);
    if (r.ok) {
      box.done(submission.submissionId);
      log(`uploaded ${submission.submissionId} to ${d.server} (${r.status}); its page: ${runPageUrl(d.server, submission.submissionId)} (public once published)`);
      return true;
    }
    log(`upload failed: ${r.message}. The submission waits in ${box.dir}; send it later with \`npx tokenwatt upload --server ${d.server} --token ...\``);
    return false;
  }
  const [r] = await storeLocally([submission], deps, log);
  return r!.ok;
}
