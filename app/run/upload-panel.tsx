"use client";

import { useState } from "react";
import type { Submission } from "../../lib/core/contracts/submission";

type Outcome = { ok: true; submissionId: string; status: string; plausible: boolean } | { ok: false; message: string };

/** Uploads the browser's submission with a pairing code (single use, minutes long). */
export function UploadPanel({ submission, ownerMode, initialCode }: { submission: Submission; ownerMode: boolean; initialCode: string }) {
  const [code, setCode] = useState(initialCode);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | null>(null);

  const upload = async () => {
    setBusy(true);
    setOutcome(null);
    try {
      let useCode = code.trim();
      if (!useCode && ownerMode) {
        // On the owner's own dashboard the page can ask for a code itself.
        const r = await fetch("/api/v1/pairing-codes", { method: "POST" });
        const j = await r.json();
        if (!r.ok) throw new Error(j.error?.message ?? `HTTP ${r.status}`);
        useCode = j.code;
      }
      if (!useCode) throw new Error("enter the pairing code shown on the dashboard's Run page");
      const r = await fetch("/api/v1/submissions", {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Pairing ${useCode}` },
        body: JSON.stringify(submission),
      });
      const j = await r.json();
      if (!r.ok) {
        const issues = (j.error?.issues ?? []).slice(0, 5).map((i: { path: string; message: string }) => `${i.path}: ${i.message}`);
        throw new Error([j.error?.message ?? `HTTP ${r.status}`, ...issues].join("; "));
      }
      setOutcome({ ok: true, submissionId: j.submissionId, status: j.status, plausible: j.plausible });
    } catch (e) {
      setOutcome({ ok: false, message: `upload failed: ${(e as Error).message}. The results stay on this page; you can retry.` });
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="upload" data-testid="upload">
      <label>
        Pairing code
        <input name="pair" value={code} onChange={(e) => setCode(e.target.value)} placeholder={ownerMode ? "optional on this dashboard" : "ABCD-EF23"} autoComplete="off" />
      </label>
      <button onClick={upload} disabled={busy || outcome?.ok === true}>
        {busy ? "Uploading…" : "Upload these results"}
      </button>
      <a
        className="button-link"
        download={`tokenwatt-${submission.submissionId}.json`}
        href={`data:application/json;charset=utf-8,${encodeURIComponent(JSON.stringify(submission, null, 2))}`}
      >
        Save as JSON
      </a>
      {outcome?.ok && (
        <p role="status" data-testid="upload-ok">
          Stored ({outcome.status}{outcome.plausible ? "" : ", flagged implausible"}): <a href={`/runs/${outcome.submissionId}`}>view the run</a>
        </p>
      )}
      {outcome && !outcome.ok && (
        <p className="field-error" role="alert" data-testid="upload-error">
          {outcome.message}
        </p>
      )}
    </div>
  );
}
