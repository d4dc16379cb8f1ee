/** Display formatting (pure). Null and non-finite values show as an em dash, never "NaN". */
export function formatNumber(v: number | null | undefined, digits = 1): string {
  if (v == null || !Number.isFinite(v)) return "—";
  return v.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

export function formatBytes(v: number | null | undefined): string {
  if (v == null || !Number.isFinite(v)) return "—";
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let x = v;
  let i = 0;
  while (x >= 1024 && i < units.length - 1) {
    x /= 1024;
    i++;
  }
  return `${x.toFixed(i === 0 ? 0 : 1)} ${units[i]}`;
}

/**
 * A J/token figure with what it covers and how it was measured, as every page, printer and export
 * shows it: "0.425 J (wall, external)"; "unavailable" without a meter; scope "unlabelled" for
 * results stored before scopes were recorded.
 */
export function formatJPerToken(j: number | null | undefined, scope: string | null | undefined, tier: string | null | undefined, digits = 3): string {
  if (j == null) return "unavailable";
  return `${formatNumber(j, digits)} J (${scope ?? "unlabelled"}, ${tier ?? "tier unknown"})`;
}
