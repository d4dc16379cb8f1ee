/**
 * The preview image of a shared page (device, model, run): 1200 x 630 PNG from next/og's
 * ImageResponse, in its bundled font (no font is fetched: it renders offline), with the page's
 * headline figures. Each figure carries what it is (workload, tokens/s median) and what it measured.
 */
import { ImageResponse } from "next/og";
import type { Audience } from "../../lib/server/access/audience";
import { formatTs, type HeadlineFigure } from "../../lib/server/read/headline";

export const OG_SIZE = { width: 1200, height: 630 };
export const OG_CONTENT_TYPE = "image/png";

export interface ShareFigure {
  /** "tg128 (generation)". */
  label: string;
  /** "30.0 t/s". */
  value: string;
  /** "Llama-3.2-1B Q4_0 · node-llama-cpp 3.21.1 · cpu". */
  note: string;
}

const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** A headline cell as an image's figure: its workload, tokens/s, and the model (or device) it measured. */
export function shareFigure(f: HeadlineFigure, note: "model" | "device"): ShareFigure {
  const what = note === "model" ? `${f.modelName} ${f.quantization}${f.weights === "synthetic" ? " (synthetic)" : ""}` : f.deviceName;
  return { label: `${f.workloadId} ${f.workloadId.startsWith("tg") ? "generation" : "prompt"}`, value: `${formatTs(f.medianTs)} t/s`, note: `${what} · ${f.backend}` };
}

export function shareImage(o: { kind: string; title: string; subtitle: string; figures: ShareFigure[]; empty: string; audience: Audience }): ImageResponse {
  return new ImageResponse(
    (
      <div style={{ width: "100%", height: "100%", display: "flex", flexDirection: "column", justifyContent: "space-between", background: "#14181f", color: "#ffffff", padding: "56px 64px" }}>
        <div style={{ display: "flex", flexDirection: "column" }}>
          <div style={{ display: "flex", fontSize: 28, color: "#9fb7d4" }}>{`Tokenwatt · ${o.kind}`}</div>
          <div style={{ display: "flex", fontSize: 64, marginTop: 12, lineHeight: 1.1 }}>{clip(o.title, 44)}</div>
          <div style={{ display: "flex", fontSize: 28, marginTop: 12, color: "#c9d3df" }}>{clip(o.subtitle, 80)}</div>
        </div>
        <div style={{ display: "flex", gap: 32 }}>
          {o.figures.length === 0 ? (
            <div style={{ display: "flex", fontSize: 32, color: "#c9d3df" }}>{o.empty}</div>
          ) : (
            o.figures.map((f) => (
              <div key={f.label} style={{ display: "flex", flexDirection: "column", flex: 1, background: "#0b5cad", borderRadius: 12, padding: "20px 28px" }}>
                <div style={{ display: "flex", fontSize: 26, color: "#dbe7f5" }}>{f.label}</div>
                <div style={{ display: "flex", fontSize: 72, marginTop: 4 }}>{f.value}</div>
                <div style={{ display: "flex", fontSize: 22, marginTop: 8, color: "#dbe7f5" }}>{clip(f.note, 48)}</div>
              </div>
            ))
          )}
        </div>
        <div style={{ display: "flex", fontSize: 22, color: "#9fb7d4" }}>{`tokens/s: the median over runs of each run's median · ${o.audience === "public" ? "published, plausible runs" : "the owner's runs, published or not"}`}</div>
      </div>
    ),
    OG_SIZE,
  );
}
