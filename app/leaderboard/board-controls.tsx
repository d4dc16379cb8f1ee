/**
 * The board's column controls: links to each column set (`view`) and a column picker (`cols`). Both are
 * plain links and a GET form, so they work without client JavaScript and every choice stays in the URL.
 */
import Link from "next/link";
import { LEADERBOARD_VIEWS, PICKABLE_COLUMNS, type LeaderboardQuery } from "../../lib/server/read/leaderboard";
import { BOARD_COLUMNS, shownColumns, VIEWS } from "./columns";

type Href = (patch: Record<string, string>) => string;

/** One link per column set; choosing one drops the picked columns. */
export function ViewLinks({ q, href }: { q: Pick<LeaderboardQuery, "view" | "cols">; href: Href }) {
  return (
    <nav className="board-views" aria-label="Column sets" data-testid="board-views">
      {LEADERBOARD_VIEWS.map((v) => (
        <Link key={v} href={href({ view: v, cols: "" })} aria-current={!q.cols && q.view === v ? "true" : undefined}>
          {VIEWS[v].label}
        </Link>
      ))}
    </nav>
  );
}

/**
 * Checkboxes of every column; the form repeats `cols` once per ticked box, which the page joins into
 * its comma-separated form. `keep` is the rest of the query, carried as hidden fields.
 */
export function ColumnPicker({ q, keep, href }: { q: Pick<LeaderboardQuery, "view" | "cols">; keep: Record<string, string>; href: Href }) {
  const shown = new Set(shownColumns(q));
  return (
    <details className="column-picker" data-testid="column-picker">
      <summary>Columns</summary>
      <form method="get" action="/leaderboard">
        {Object.entries(keep)
          .filter(([k]) => k !== "cols")
          .map(([k, v]) => (
            <input key={k} type="hidden" name={k} value={v} />
          ))}
        {PICKABLE_COLUMNS.map((k) => (
          <label key={k}>
            <input type="checkbox" name="cols" value={k} defaultChecked={shown.has(k)} /> {BOARD_COLUMNS[k].label}
          </label>
        ))}
        <button type="submit">Show these columns</button>
        {q.cols && <Link href={href({ cols: "" })}>The {VIEWS[q.view].label.toLowerCase()} set</Link>}
      </form>
    </details>
  );
}
