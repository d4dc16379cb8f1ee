/**
 * What an energy sort ranks (lib/core/present/energy-ranking.ts): one scope's rows, which scope and
 * why, how its rows were measured, and a link to each other scope (`energyScope`), since J/token of
 * different scopes are different quantities and never share one ranking.
 */
import Link from "next/link";
import type { EnergyRanking } from "../../lib/core/present/energy-ranking";

type Href = (patch: Record<string, string>) => string;

const count = (n: number, one: string) => `${n.toLocaleString("en-US")} ${one}${n === 1 ? "" : "s"}`;

export function EnergyRankingNote({ ranking, label, href }: { ranking: EnergyRanking; label: string; href: Href }) {
  const { scope, chosen, scopes } = ranking;
  const applied = scopes.find((s) => s.scope === scope);
  const others = scopes.filter((s) => s.scope !== scope);
  const links =
    others.length > 0 ? (
      <>
        {" "}
        {count(others.length, "other scope")}:{" "}
        {others.map((s, i) => (
          <span key={s.scope}>
            {i > 0 && ", "}
            <Link href={href({ energyScope: s.scope })} data-testid="energy-scope-link">
              {s.scope}
            </Link>{" "}
            ({count(s.rows, "row")})
          </span>
        ))}
        ; pick one to rank it instead.
      </>
    ) : null;
  return (
    <p className="hint" data-testid="energy-ranking" data-scope={scope ?? ""}>
      {scope == null ? (
        <>No row has a measured {label} under these filters, so there is nothing to rank; sort by another figure.</>
      ) : applied == null ? (
        <>
          No row has a measured {label} in scope <strong>{scope}</strong> under these filters.
        </>
      ) : (
        <>
          Ranked by {label} within scope <strong>{scope}</strong> ({chosen === "asked" ? "as asked" : "the scope with the most rows"}; {count(applied.rows, "row")}, measured by{" "}
          {applied.tiers.map((t) => `${t.tier} (${t.rows})`).join(", ")}). J/token of different scopes measure different things (a wall socket&apos;s includes
          the power supply, a CPU package&apos;s only the processor), so they are never ranked together.
        </>
      )}
      {links}
    </p>
  );
}
