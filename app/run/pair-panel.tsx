"use client";

import { useEffect, useState } from "react";

interface Pairing {
  code: string;
  expiresAt: string;
  runUrl: string;
  qrSvg: string;
  loopbackOnly: boolean;
}

/** Shows a pairing code and its QR code: a phone scans it, opens /run, measures and uploads once. */
export function PairPanel() {
  const [p, setP] = useState<Pairing | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [now, setNow] = useState(() => Date.now());

  useEffect(() => {
    if (!p) return;
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, [p]);

  const create = async () => {
    setError(null);
    const r = await fetch("/api/v1/pairing-codes", { method: "POST" }).catch((e: Error) => ({ ok: false, json: async () => ({ error: { message: e.message } }) }) as Response);
    const j = await r.json();
    if (!r.ok) return setError(j.error?.message ?? "could not create a pairing code");
    setP(j);
    setNow(Date.now());
  };

  const left = p ? Math.max(0, Math.round((Date.parse(p.expiresAt) - now) / 1000)) : 0;
  return (
    <section className="panel" aria-labelledby="pair-h">
      <h2 id="pair-h">Measure a phone</h2>
      <p className="hint">
        A pairing code lets one browser upload one submission to this dashboard, for 10 minutes, without a token. Scan the QR code with the
        phone (on the same network), run the suite there, and upload.
      </p>
      <button onClick={create}>{p ? "New pairing code" : "Show a pairing code"}</button>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      {p && (
        <div className="pairing" data-testid="pairing">
          <div className="qr" role="img" aria-label={`QR code for ${p.runUrl}`} dangerouslySetInnerHTML={{ __html: p.qrSvg }} />
          <div>
            <p className="pair-code" data-testid="pair-code">
              {p.code}
            </p>
            <p>
              <a href={p.runUrl}>{p.runUrl}</a>
            </p>
            <p className="hint">{left > 0 ? `expires in ${Math.floor(left / 60)}:${String(left % 60).padStart(2, "0")}; works once` : "expired: create a new one"}</p>
            {p.loopbackOnly && (
              <p className="field-error">This server is only reachable as localhost: start it on a LAN address for a phone to reach it.</p>
            )}
          </div>
        </div>
      )}
    </section>
  );
}
