/**
 * Nothing measured is lost: every submission is written to the outbox (one JSON file per
 * submission id, written atomically) before any upload, and removed only once a server has
 * acknowledged it (201 created or 200 duplicate). `tokenwatt upload` retries what is left; the
 * server's idempotency on the submission id makes retries safe.
 */
import fs from "node:fs";
import path from "node:path";
import type { Submission } from "../../lib/core/contracts/submission";
import { WireError, wireRequest } from "../../lib/core/wire/client";

export class Outbox {
  constructor(readonly dir: string) {}

  put(s: Submission): string {
    fs.mkdirSync(this.dir, { recursive: true });
    const file = path.join(this.dir, `${s.submissionId}.json`);
    const tmp = `${file}.tmp-${process.pid}`;
    fs.writeFileSync(tmp, JSON.stringify(s));
    fs.renameSync(tmp, file);
    return file;
  }

  pending(): { file: string; submission: Submission }[] {
    if (!fs.existsSync(this.dir)) return [];
    return fs
      .readdirSync(this.dir)
      .filter((f) => /^[0-9a-f-]{36}\.json$/.test(f))
      .sort()
      .map((f) => ({ file: path.join(this.dir, f), submission: JSON.parse(fs.readFileSync(path.join(this.dir, f), "utf8")) as Submission }));
  }

  done(id: string): void {
    fs.rmSync(path.join(this.dir, `${id}.json`), { force: true });
  }

  /** A submission the server refused as invalid (400) would fail forever: set aside, with why. */
  reject(id: string, reason: string): void {
    const dir = path.join(this.dir, "rejected");
    fs.mkdirSync(dir, { recursive: true });
    fs.renameSync(path.join(this.dir, `${id}.json`), path.join(dir, `${id}.json`));
    fs.writeFileSync(path.join(dir, `${id}.reason.txt`), reason);
  }
}

export type UploadOutcome =
  | { ok: true; status: "created" | "duplicate" }
  | { ok: false; retryable: boolean; message: string; retryAfterS?: number; /** The server's answer, when there was one. */ httpStatus?: number };

export async function uploadOnce(server: string, token: string, s: Submission, timeoutMs = 30_000): Promise<UploadOutcome> {
  try {
    const r = await wireRequest(server, { method: "POST", path: "/api/v1/submissions", credential: token, body: s, timeoutMs });
    return { ok: true, status: r.status === 201 ? "created" : "duplicate" };
  } catch (e) {
    if (!(e instanceof WireError)) throw e;
    if (e.status == null) return { ok: false, retryable: true, message: e.message };
    return { ok: false, retryable: e.retryable, message: e.message.slice(0, 800), httpStatus: e.status, ...(e.status === 429 ? { retryAfterS: e.retryAfterS ?? 5 } : {}) };
  }
}

/** Uploads with exponential backoff (1, 2, 4... s, honouring Retry-After). */
export async function uploadWithRetries(
  server: string,
  token: string,
  s: Submission,
  attempts = 4,
  sleep = (ms: number) => new Promise((r) => setTimeout(r, ms)),
): Promise<UploadOutcome> {
  let last: UploadOutcome = { ok: false, retryable: true, message: "not attempted" };
  for (let i = 0; i < attempts; i++) {
    last = await uploadOnce(server, token, s);
    if (last.ok || !last.retryable) return last;
    if (i < attempts - 1) await sleep((last.retryAfterS ?? 2 ** i) * 1000);
  }
  return last;
}

/** Sends everything in the outbox; returns counts. */
export async function flushOutbox(outbox: Outbox, server: string, token: string, attempts = 4, log: (m: string) => void = () => {}) {
  const counts = { delivered: 0, duplicates: 0, failed: 0, rejected: 0 };
  for (const { submission } of outbox.pending()) {
    const r = await uploadWithRetries(server, token, submission, attempts);
    if (r.ok) {
      outbox.done(submission.submissionId);
      if (r.status === "created") counts.delivered++;
      else counts.duplicates++;
      log(`${submission.submissionId}: ${r.status}`);
    } else if (!r.retryable && r.httpStatus !== 401 && r.httpStatus !== 403) {
      // Refused for what it is (400, 413): it would fail forever. A token refusal (401, 403) is not
      // the submission's fault: it stays for a retry with another token.
      outbox.reject(submission.submissionId, r.message);
      counts.rejected++;
      log(`${submission.submissionId}: rejected by the server (${r.message}); kept in ${outbox.dir}/rejected`);
    } else {
      counts.failed++;
      log(`${submission.submissionId}: not delivered (${r.message}); kept in the outbox`);
    }
  }
  return counts;
}
