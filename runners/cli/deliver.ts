/**
 * Where a finished submission goes: always into the outbox first (nothing measured is lost), then
 * uploaded to --server with --token, or stored in the local database. Shared by `bench` and
 * `bench-browser`.
 */
import path from "node:path";
import type { Submission } from "../../lib/core/contracts/submission";
import { defaultDataDir } from "../../lib/server/db/client";
import { openDbForCli } from "../../lib/server/db/embedded-server";
import { ingestSubmission } from "../../lib/server/store/ingest";
import { Outbox, uploadWithRetries } from "../upload/outbox";
import { CliError } from "./errors";

export interface Destination {
  server?: string;
  token?: string;
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

/** Returns false when the upload failed (the submission waits in the outbox). */
export async function deliver(submission: Submission, d: Destination, log: (m: string) => void): Promise<boolean> {
  const outbox = new Outbox(path.join(defaultDataDir(), "outbox"));
  outbox.put(submission);
  if (d.server) {
    const r = await uploadWithRetries(d.server, d.token!, submission);
    if (r.ok) {
      outbox.done(submission.submissionId);
      log(`uploaded ${submission.submissionId} to ${d.server} (${r.status})`);
      return true;
    }
    log(`upload failed: ${r.message}. The submission waits in ${outbox.dir}; send it later with \`npx tokenwatt upload --server ${d.server} --token ...\``);
    return false;
  }
  const h = await openDbForCli();
  try {
    const r = await ingestSubmission(h.db, submission, null);
    outbox.done(submission.submissionId);
    log(`stored ${r.submissionId} in the ${h.kind} database (${h.location})${r.plausible ? "" : `; flagged: ${r.flags.map((f) => f.message).join("; ")}`}`);
  } finally {
    await h.close();
  }
  return true;
}
