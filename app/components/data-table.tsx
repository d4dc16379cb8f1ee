/**
 * One data table for every page: a caption, column headers with `scope`, numeric columns right-aligned
 * (`num`), inside the `table-wrap` scroll container, which takes keyboard focus so a wide table can be
 * scrolled without a mouse. No hooks and no "use client": a server page renders it on the server (cell
 * renderers are plain functions, never sent to the browser), a client component renders it in the browser.
 */
import type { ReactNode, TdHTMLAttributes, ThHTMLAttributes } from "react";

/** Attributes a cell may carry besides its content: `title`, `className`, `style`, `data-testid`, `data-label`, ... */
export type CellAttrs = TdHTMLAttributes<HTMLTableCellElement> & { [data: `data-${string}`]: string | undefined };

export interface Column<Row> {
  /** What the column header says. */
  header: ReactNode;
  /** The column's React key; needed only where the header is not a string. */
  key?: string;
  /** The cell of one row. */
  cell: (row: Row, index: number) => ReactNode;
  /** Right-aligned tabular figures in the header and every cell. */
  numeric?: boolean;
  /** The cell names its row: `<th scope="row">` instead of `<td>`. */
  rowHeader?: boolean;
  /** More attributes of the header cell (`aria-sort`, `title`); a className adds to `num`. */
  headerAttrs?: ThHTMLAttributes<HTMLTableCellElement>;
  /** More attributes of a body cell; a className adds to `num`. */
  cellAttrs?: (row: Row, index: number) => CellAttrs;
}

export interface DataTableProps<Row> {
  /** Says what the rows are; left out only where a heading right above the table already does. */
  caption?: ReactNode;
  columns: readonly Column<Row>[];
  rows: readonly Row[];
  /** A row's React key; the index where rows have no identity (a fixed list, raw samples). */
  rowKey?: (row: Row, index: number) => string | number;
  /** The table's `data-testid`. */
  testId?: string;
  /** The table's CSS class (`compare`, `assumptions`). */
  className?: string;
}

const join = (...names: (string | false | undefined)[]) => names.filter(Boolean).join(" ") || undefined;

export function DataTable<Row>({ caption, columns, rows, rowKey, testId, className }: DataTableProps<Row>) {
  const colKey = (c: Column<Row>, i: number) => c.key ?? (typeof c.header === "string" ? c.header : i);
  return (
    <div className="table-wrap" tabIndex={0}>
      <table className={className} data-testid={testId}>
        {caption != null && <caption>{caption}</caption>}
        <thead>
          <tr>
            {columns.map((c, i) => (
              <th key={colKey(c, i)} scope="col" {...c.headerAttrs} className={join(c.numeric && "num", c.headerAttrs?.className)}>
                {c.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row, r) => (
            <tr key={rowKey ? rowKey(row, r) : r}>
              {columns.map((c, i) => {
                const attrs = c.cellAttrs?.(row, r);
                const className = join(c.numeric && "num", attrs?.className);
                return c.rowHeader ? (
                  <th key={colKey(c, i)} scope="row" {...attrs} className={className}>
                    {c.cell(row, r)}
                  </th>
                ) : (
                  <td key={colKey(c, i)} {...attrs} className={className}>
                    {c.cell(row, r)}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
