/**
 * Ranking by an energy figure (pure). A J/token is a quantity of its scope: at the wall it includes the
 * power supply, fans and screen; at the CPU package only the cores and caches; a battery's drain misses
 * what the charger supplies. Ranking one against another orders different quantities, which Zeus and
 * MLPerf Power never do. So a board sorted by J/token or tokens/J ranks the rows of one scope: the one
 * the reader named, else the scope with the most rows (the others are offered as links).
 *
 * Tiers (how a figure was measured: external meter, on-chip counter, sampled power, battery drain)
 * rank together within a scope: they measure the same quantity with different error, and each cell
 * says which it is; splitting them would cut one scope's board into pieces a reader cannot compare
 * either. A modelled figure is an estimate, not a measurement, and never ranks (the board's cells
 * leave it out: lib/server/db/views.ts `energy_pick`; the read checks it again).
 */
import { ENERGY_SCOPE_PATTERN } from "../contracts/submission";

/** The figures a board may be sorted by that are energies, and the phase whose scope labels each (tokens/J is 1 / decode J/token). */
export const ENERGY_SORT_PHASE = { decode_j_per_token: "decode", prefill_j_per_token: "prefill", tokens_per_joule: "decode" } as const;
export type EnergySort = keyof typeof ENERGY_SORT_PHASE;
export const isEnergySort = (sort: string): sort is EnergySort => Object.hasOwn(ENERGY_SORT_PHASE, sort);

/** What an `energyScope` parameter must look like: a scope a result can be stored with (wall, battery, soc, or package, dram and gpu joined by +). */
export const isEnergyScope = (s: string): boolean => ENERGY_SCOPE_PATTERN.test(s);
export const ENERGY_SCOPE_HINT = "an energy scope: wall, battery, soc, or package, dram and gpu joined by + (e.g. package+dram+gpu)";

/** Rows of one scope and tier among those a query matches, with the sorted figure measured. */
export interface ScopeTierCount {
  scope: string;
  tier: string;
  rows: number;
}

/** Rows of one scope, with how many of them each tier measured (most first). */
export interface ScopeCount {
  scope: string;
  rows: number;
  tiers: { tier: string; rows: number }[];
}

/**
 * How the board is ranked under an energy sort. `scope` is the one scope whose rows are ranked: the
 * query's (`chosen: "asked"`), else the default pick; null when no row has the figure (nothing to rank).
 * `scopes`: every scope with rows of the figure under the query's other filters, most rows first.
 */
export interface EnergyRanking {
  sort: EnergySort;
  scope: string | null;
  chosen: "asked" | "default";
  scopes: ScopeCount[];
}

/** Whole-device scopes, widest first: the tie-break when two scopes have as many rows (then the name, bytewise). */
const WIDEST_FIRST = ["wall", "battery", "soc"];
const widthRank = (scope: string) => {
  const i = WIDEST_FIRST.indexOf(scope);
  return i < 0 ? WIDEST_FIRST.length : i;
};
const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Per scope, its rows and tiers, most rows first; ties in a stable order (widest whole-device scope, then name). */
export function scopeCounts(counts: readonly ScopeTierCount[]): ScopeCount[] {
  const byScope = new Map<string, ScopeCount>();
  for (const c of counts) {
    if (c.rows <= 0) continue;
    const s = byScope.get(c.scope) ?? { scope: c.scope, rows: 0, tiers: [] };
    s.rows += c.rows;
    const t = s.tiers.find((x) => x.tier === c.tier);
    if (t) t.rows += c.rows;
    else s.tiers.push({ tier: c.tier, rows: c.rows });
    byScope.set(c.scope, s);
  }
  const out = [...byScope.values()];
  for (const s of out) s.tiers.sort((a, b) => b.rows - a.rows || byName(a.tier, b.tier));
  return out.sort((a, b) => b.rows - a.rows || widthRank(a.scope) - widthRank(b.scope) || byName(a.scope, b.scope));
}

/** The ranking of a board sorted by `sort`: within `asked` when given, else within the scope with the most rows. Null for a sort that is not an energy. */
export function energyRanking(sort: string, asked: string | undefined, counts: readonly ScopeTierCount[]): EnergyRanking | null {
  if (!isEnergySort(sort)) return null;
  const scopes = scopeCounts(counts);
  if (asked != null) return { sort, scope: asked, chosen: "asked", scopes };
  return { sort, scope: scopes[0]?.scope ?? null, chosen: "default", scopes };
}
