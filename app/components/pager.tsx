import Link from "next/link";

/** Previous / next links of a paginated table, with where the reader is ("rows 51-100 of 2,000"). */
export function Pager({ page, pages, total, pageSize, href, testId, noun = "rows" }: { page: number; pages: number; total: number; pageSize: number; href: (page: number) => string; testId: string; noun?: string }) {
  if (pages <= 1) return null;
  const first = (page - 1) * pageSize + 1;
  const last = Math.min(total, page * pageSize);
  const n = (x: number) => x.toLocaleString("en-US");
  return (
    <nav className="pager" aria-label={`Pages of ${noun}`} data-testid={testId}>
      {page > 1 ? <Link href={href(page - 1)} rel="prev">← Previous</Link> : <span className="hint">← Previous</span>}
      <span>
        {noun} {n(first)}–{n(last)} of {n(total)} (page {n(page)} of {n(pages)})
      </span>
      {page < pages ? <Link href={href(page + 1)} rel="next">Next →</Link> : <span className="hint">Next →</span>}
    </nav>
  );
}
