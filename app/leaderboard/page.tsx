import Link from "next/link";
import { publicReadDb } from "../../lib/server/context";
import { leaderboard, leaderboardEnergy, leaderboardFacets, leaderboardQuerySchema, leaderboardTotal, SIZE_CLASSES } from "../../lib/server/read/leaderboard";
import { pageNote, parsePageParam } from "../../lib/core/present/paging";
import { Pager } from "../components/pager";
import { isLeaderboardWorkload, parseWorkloadId } from "../../lib/core/contracts/workloads";
import { isPublic } from "../../lib/server/access/mode";
import { REPORTED_RESULTS } from "../../lib/core/present/reported";
import { pageAudience } from "../../lib/server/access/audience";
import { DataTable } from "../components/data-table";
import { BOARD_COLUMNS, boardColumns, REPORTED_COLUMNS } from "./columns";
import { ColumnPicker, ViewLinks } from "./board-controls";
import { pageMetadata } from "../components/page-metadata";
import { EnergyRankingNote } from "./energy-ranking";

export const dynamic = "force-dynamic";
/** Rows the board renders a page (the API's default `limit` stays 200). */
const BOARD_PAGE = 50;
export const metadata = pageMetadata({ title: "Leaderboard · Tokenwatt", description: "Small language models ranked by measured tokens/s on real devices: generation and prompt speed, time to first token, energy and memory, each configuration apart.", path: "/leaderboard" });

export default async function LeaderboardPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  // A repeated `cols` (the column picker's checkboxes) joins into its comma-separated form; other repeated parameters are dropped.
  const sp = Object.fromEntries(
    Object.entries(await searchParams)
      .map(([k, v]) => [k, k === "cols" && Array.isArray(v) ? v.join(",") : v])
      .filter(([, v]) => typeof v === "string" && v !== ""),
  ) as Record<string, string>;
  // The page is read on its own: a bad one shows page 1 with a note and keeps the filters.
  const pageParam = parsePageParam(sp.page);
  const parsed = leaderboardQuerySchema.safeParse({ ...sp, page: undefined });
  const db = await publicReadDb();
  const q0 = parsed.success ? parsed.data : leaderboardQuerySchema.parse({});
  // The page renders BOARD_PAGE rows at a time (a `limit` asks for up to 200): never the whole board.
  const pageSize = sp.limit && parsed.success ? Math.min(q0.limit, 200) : BOARD_PAGE;
  // The owner's board shows the owner's private runs only when asked ("include my private runs").
  const audience = q0.private === "1" ? pageAudience() : "public";
  // The facets beside the energy ranking (one scope's rows under an energy sort; nothing read for another
  // sort); then the rows of the page asked for beside the count, and again only when that page is past
  // the last (then the last page is shown).
  const asked = { ...q0, limit: pageSize, page: pageParam.page };
  const [facets, energy] = await Promise.all([leaderboardFacets(db, audience), leaderboardEnergy(db, q0, audience)]);
  const [total, askedRows] = await Promise.all([leaderboardTotal(db, q0, audience, energy), leaderboard(db, asked, audience, energy)]);
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const q = { ...asked, page: Math.min(pageParam.page, pages) };
  const rows = q.page === asked.page ? askedRows : await leaderboard(db, q, audience, energy);
  const note = pageNote(pageParam, { page: q.page, pages });
  // The owner's dashboard may include the owner's unpublished runs; a public server never does.
  const owner = !isPublic();
  const withPrivate = owner && q.private === "1";
  // The board's URL with some parameters changed; an empty value drops one.
  // Any change but the page's own links goes back to page 1.
  const href = (patch: Record<string, string>) =>
    `/leaderboard?${new URLSearchParams(Object.entries({ ...sp, page: "", ...patch }).filter(([, v]) => v !== "")).toString()}`;
  const board = boardColumns(q, rows, href);
  // What the forms carry over (sort, columns, private): only parameters that were understood.
  const keep = parsed.success ? sp : {};
  // The downloads are the whole board (the API's own limit), not the page shown.
  const { page: _page, limit: _limit, ...exportSp } = sp;
  const select = (name: keyof typeof facets | "size", label: string, options: readonly string[]) => (
    <label className="filter">
      {label}
      <select name={name} defaultValue={sp[name] ?? ""}>
        <option value="">all</option>
        {options.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
    </label>
  );

  // The workload a column group is measured at: the one asked for, the default, and every stored workload of that kind.
  const workloadSelect = (name: "pp" | "tg" | "sustained", label: string, dflt: string, fits: (workloadId: string) => boolean) => (
    <label className="filter">
      {label}
      <select name={name} defaultValue={q[name]}>
        {[...new Set([q[name], dflt, ...facets.workload.filter(fits)])].map((w) => (
          <option key={w}>{w}</option>
        ))}
      </select>
    </label>
  );

  return (
    <>
      <h1>Leaderboard</h1>
      <p className="lede">
        {withPrivate ? "Plausible measurements, your unpublished runs included (marked private)" : "Published, plausible measurements only"}: one row per device, model, quantization, engine version and backend, with the
        median over runs of each run&apos;s median over its repetitions, the interquartile range in parentheses and n, the
        repetitions behind it (<Link href="/docs/methodology">methodology</Link>; what keeps a run off:{" "}
        <Link href="/docs/plausibility">plausibility</Link>). TTFT is in milliseconds at the prompt length shown. Different engine versions are separate rows. Every J/token
        says what it covers (wall, battery, SoC, or the CPU package, DRAM and GPU it sums) and how it was measured (external
        meter, on-chip counter, sampled power, battery drain); a cell never mixes scopes, and a board sorted by an energy figure ranks one scope at a time.
        Sustained t/s is the steady state of minutes of continuous decoding (peak in parentheses); the throttle ratio is steady over
        peak, with the time it took to slow down.{" "}
        {owner && (
          <Link href={href(withPrivate ? { private: "" } : { private: "1" })} data-testid="private-toggle">
            {withPrivate ? "Published only" : "Include my private runs"}
          </Link>
        )}
      </p>
      {!parsed.success && (
        <p className="field-error" role="alert">
          Some filters were not understood ({parsed.error.issues.map((i) => (i.path.length ? `${i.path.join(".")}: ${i.message}` : i.message)).join("; ")}); showing
          the default board.
        </p>
      )}
      <form className="filters" method="get" action="/leaderboard">
        {select("model", "Model", facets.model)}
        {select("family", "Family", facets.family)}
        {select("size", "Size", Object.keys(SIZE_CLASSES))}
        {select("quant", "Quantization", facets.quant)}
        {select("deviceClass", "Device class", facets.deviceClass)}
        {select("vendor", "Vendor", facets.vendor)}
        {select("backend", "Backend", facets.backend)}
        {select("engine", "Engine", facets.engine)}
        {select("engineVersion", "Engine version", facets.engineVersion)}
        {/* An energy sort's scopes (the prefill's may differ from the generation's) are offered too. */}
        {select("energyScope", "Energy scope", [...new Set([...facets.energyScope, ...(energy?.scopes.map((s) => s.scope) ?? [])])].sort())}
        <label className="filter check">
          <input type="checkbox" name="metered" value="1" defaultChecked={q.metered === "1"} /> Metered only
        </label>
        {workloadSelect("pp", "Prompt workload", "pp512", (w) => isLeaderboardWorkload(w, "pp"))}
        {workloadSelect("tg", "Generation workload", "tg128", (w) => isLeaderboardWorkload(w, "tg"))}
        {workloadSelect("sustained", "Sustained workload", "sustained", (w) => parseWorkloadId(w)?.kind === "sustained")}
        {/* Applying filters keeps the sort and the columns. */}
        {(["private", "sort", "dir", "view", "cols"] as const).map((k) => keep[k] != null && <input key={k} type="hidden" name={k} value={keep[k]} />)}
        <button type="submit">Apply</button>
        <a href={`/api/v1/public/leaderboard?${new URLSearchParams({ ...exportSp, format: "csv" })}`}>CSV{withPrivate ? " (published only)" : ""}</a>
        <a href={`/api/v1/public/leaderboard?${new URLSearchParams(exportSp)}`}>JSON{withPrivate ? " (published only)" : ""}</a>
      </form>
      <div className="board-controls">
        <ViewLinks q={q} href={href} />
        <ColumnPicker q={q} keep={keep} href={href} />
      </div>
      {note && (
        <p className="field-error" role="alert" data-testid="page-note">
          {note}
        </p>
      )}
      {energy && <EnergyRankingNote ranking={energy} label={BOARD_COLUMNS[energy.sort].label} href={href} />}
      {rows.length === 0 ? (
        <div className="empty">
          <p>
            {energy && energy.scopes.length > 0
              ? "No row of this scope to rank; pick another scope above."
              : energy
                ? "Nothing to rank by this figure here (no measured energy): sort by speed or memory to see the board."
                : withPrivate
                ? "No plausible results match."
                : "No published results match. Results are private until a publisher publishes them (npx tokenwatt publish, or the Publish button on a run or device page)."}
          </p>
        </div>
      ) : (
        <>
          {board.hidden.length > 0 && (
            <p className="hint" data-testid="board-hidden">
              hidden: no data for {board.hidden.join(", ")}
            </p>
          )}
          <DataTable
            testId="leaderboard"
            className="board"
            caption={`${total.toLocaleString("en-US")} rows${pages > 1 ? `, ${pageSize} a page` : ""}; ${q.pp}, ${q.tg} and ${q.sustained}; ranked by ${BOARD_COLUMNS[q.sort].label}${energy?.scope ? ` within energy scope ${energy.scope}` : ""} (${q.dir === "desc" ? "high to low" : "low to high"})`}
            columns={board.columns}
            rows={rows}
            rowKey={(r) => `${r.deviceId}-${r.modelId}-${r.engineName}-${r.engineVersion}-${r.backend}-${r.config}`}
          />
          <Pager page={q.page} pages={pages} total={total} pageSize={pageSize} href={(p) => href({ page: p > 1 ? String(p) : "" })} testId="leaderboard-pager" />
        </>
      )}

      <h2>Reported results (literature, not ranked)</h2>
      <DataTable
        testId="reported"
        className="reported fits"
        caption="Figures published by others, labelled reported with their source; never mixed into the measured ranking."
        columns={REPORTED_COLUMNS}
        rows={REPORTED_RESULTS}
        rowKey={(r) => `${r.device}-${r.model}`}
      />
    </>
  );
}
