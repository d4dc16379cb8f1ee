/**
 * One run's downloads (its page links them): the submission as stored (the contract, JSON), and
 * llama-bench's `-o json` and `-o csv` (lib/core/present/llama-bench.ts), for whoever may see the
 * run: the public a published run; the owner (their session or credential) and admins any run.
 */
import { llamaBenchCsv, llamaBenchJson } from "../../core/present/llama-bench";
import { audienceOf } from "../access/audience";
import { callerOf } from "../access/caller";
import type { Handler } from "../http/deps";
import { apiError } from "../http/http";
import { storedSubmission } from "../read/submission-export";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const FILES = {
  submission: { name: "submission.json", type: "application/json", body: (s: Parameters<typeof llamaBenchJson>[0]) => `${JSON.stringify(s, null, 2)}\n` },
  "llama-bench-json": { name: "llama-bench.json", type: "application/json", body: (s: Parameters<typeof llamaBenchJson>[0]) => `${llamaBenchJson(s)}\n` },
  "llama-bench-csv": { name: "llama-bench.csv", type: "text/csv; charset=utf-8", body: llamaBenchCsv },
} as const;

export const runDownload =
  (file: keyof typeof FILES): Handler =>
  async (req, deps, { id }) => {
    if (!UUID.test(id!)) return apiError(400, "invalid_id", "a run id is a UUID");
    // A bad token is refused (callerOf throws the refusal); no token: the public's runs.
    const audience = audienceOf(await callerOf(req, deps.db));
    const sub = await storedSubmission(audience === "public" ? (deps.readDb ?? deps.db) : deps.db, id!.toLowerCase(), audience);
    if (!sub) return apiError(404, "not_found", `no ${audience === "public" ? "published " : ""}run ${id}`);
    const f = FILES[file];
    return new Response(f.body(sub), {
      headers: { "content-type": f.type, "content-disposition": `attachment; filename="tokenwatt-${sub.submissionId.slice(0, 8)}-${f.name}"`, "cache-control": "no-cache" },
    });
  };
