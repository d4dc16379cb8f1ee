/** A self-contained static HTML page of a leaderboard snapshot (pure; escaped; no scripts). */
import { formatJPerToken } from "./format";
import { vendorAndModel } from "./device-name";
const esc = (v: unknown) => String(v ?? "").replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const num = (v: unknown, d = 1) => (v == null || !Number.isFinite(Number(v)) ? "—" : Number(v).toFixed(d));

export interface SnapshotRow {
  deviceVendor: unknown;
  deviceModel: unknown;
  modelName: unknown;
  quantization: unknown;
  weights: unknown;
  engineName: unknown;
  engineVersion: unknown;
  backend: unknown;
  ppTokensPerSec: unknown;
  tgTokensPerSec: unknown;
  ttftMs: unknown;
  decodeJPerToken: unknown;
  decodeEnergyScope: unknown;
  decodeEnergyTier: unknown;
  runs: unknown;
}

export function snapshotHtml(rows: SnapshotRow[], meta: { generatedAt: string; pp: string; tg: string }): string {
  const body = rows
    .map(
      (r) =>
        `<tr><td>${esc(vendorAndModel(r.deviceVendor == null ? null : String(r.deviceVendor), String(r.deviceModel)))}</td><td>${esc(r.modelName)}${r.weights === "synthetic" ? " (synthetic weights)" : ""}</td><td>${esc(r.quantization)}</td><td>${esc(r.engineName)} ${esc(r.engineVersion)}</td><td>${esc(r.backend)}</td><td class="n">${num(r.ppTokensPerSec)}</td><td class="n">${num(r.tgTokensPerSec)}</td><td class="n">${num(r.ttftMs)}</td><td class="n">${esc(formatJPerToken(r.decodeJPerToken == null ? null : Number(r.decodeJPerToken), r.decodeEnergyScope as string | null, r.decodeEnergyTier as string | null))}</td><td class="n">${esc(r.runs)}</td></tr>`,
    )
    .join("\n");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Tokenwatt leaderboard snapshot ${esc(meta.generatedAt)}</title>
<style>body{font-family:system-ui,sans-serif;margin:1rem;color:#14181f}table{border-collapse:collapse;width:100%;font-size:.9rem}th,td{padding:.4rem .6rem;border-bottom:1px solid #d9dee6;text-align:left}th{background:#f4f6f9}.n{text-align:right;font-variant-numeric:tabular-nums}.wrap{overflow-x:auto}</style>
</head><body>
<h1>Tokenwatt leaderboard</h1>
<p>Static snapshot generated ${esc(meta.generatedAt)}: published, plausible measurements only, median across runs; ${esc(meta.pp)} and ${esc(meta.tg)}. Data: leaderboard.json and leaderboard.csv beside this file (export schema version 1).</p>
<div class="wrap"><table><thead><tr><th scope="col">Device</th><th scope="col">Model</th><th scope="col">Quant</th><th scope="col">Engine</th><th scope="col">Backend</th><th scope="col" class="n">${esc(meta.pp)} t/s</th><th scope="col" class="n">${esc(meta.tg)} t/s</th><th scope="col" class="n">TTFT ms</th><th scope="col" class="n">Decode J/token (scope, tier)</th><th scope="col" class="n">Runs</th></tr></thead>
<tbody>
${body}
</tbody></table></div>
</body></html>
`;
}
