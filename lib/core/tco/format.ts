/** Number formats of the TCO page: one minus sign (U+2212) everywhere, units in the text. */
// One formatter per number of digits: toLocaleString builds a new Intl.NumberFormat on every call,
// which cost the page ~1.5 s of main thread over a 30-step slider drag (Chromium profile).
const formatters = new Map<number, Intl.NumberFormat>();
const formatter = (digits: number) => {
  let f = formatters.get(digits);
  if (!f) formatters.set(digits, (f = new Intl.NumberFormat("en-US", { maximumFractionDigits: digits })));
  return f;
};
export const fmt = (v: number, digits = 1) => (Number.isFinite(v) ? formatter(digits).format(v).replace("-", "−") : "—");
const abs = (v: number, f: (x: number) => string) => (v < 0 ? `−${f(-v)}` : f(v));
export const usd = (v: number) => abs(v, (x) => (x >= 1e9 ? `$${fmt(x / 1e9, 2)}B` : x >= 1e6 ? `$${fmt(x / 1e6, 1)}M` : `$${fmt(x, 0)}`));
export const mwh = (v: number) => abs(v, (x) => (x >= 1e6 ? `${fmt(x / 1e6, 2)} TWh` : `${fmt(x / 1e3, 1)} GWh`));
export const tons = (v: number) => `${fmt(v / 1e6, 2)} MtCO2e`;
export const m3 = (v: number) => `${fmt(v / 1e6, 2)} million m³`;
export const pct = (v: number, digits = 1) => `${fmt(v * 100, digits)}%`;
/** A signed amount: + saves, − pays. */
export const signed = (v: number, f: (x: number) => string) => (v > 0 ? `+${f(v)}` : f(v));
/** A large count in words: 10.51 trillion, 365 billion, 2.5 million, 900. */
export const count = (v: number) => abs(v, (x) => (x >= 1e12 ? `${fmt(x / 1e12, 2)} trillion` : x >= 1e9 ? `${fmt(x / 1e9, 2)} billion` : x >= 1e6 ? `${fmt(x / 1e6, 2)} million` : fmt(x, 0)));
