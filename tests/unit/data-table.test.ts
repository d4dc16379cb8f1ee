/** The shared page table: the markup the pages, their CSS and the accessibility checks rely on. */
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { DataTable, type Column } from "../../app/components/data-table";

interface Row {
  name: string;
  tokensPerSec: number;
  cpu: string;
}

const columns: Column<Row>[] = [
  { header: "Device", rowHeader: true, cell: (r) => r.name, cellAttrs: (r) => ({ title: r.cpu }) },
  { header: "t/s", numeric: true, cell: (r) => r.tokensPerSec.toFixed(1), headerAttrs: { "aria-sort": "descending" }, cellAttrs: (_, i) => ({ className: "negative", "data-testid": `ts-${i}` }) },
  { header: "Note", cell: () => "—" },
];
const rows: Row[] = [
  { name: "Laptop", tokensPerSec: 31.25, cpu: "Ryzen" },
  { name: "Phone", tokensPerSec: 9, cpu: "Snapdragon" },
];

describe("DataTable", () => {
  it("wraps a captioned table in the focusable scroll container, with scoped headers and numeric columns right-aligned", () => {
    const html = renderToStaticMarkup(createElement(DataTable<Row>, { caption: "2 devices", columns, rows, rowKey: (r) => r.name, testId: "devices", className: "compare" }));
    expect(html).toMatch(/^<div class="table-wrap" tabindex="0"><table class="compare" data-testid="devices"><caption>2 devices<\/caption><thead><tr>/);
    expect(html).toContain('<th scope="col">Device</th><th scope="col" aria-sort="descending" class="num">t/s</th><th scope="col">Note</th>');
    expect(html).toContain('<tr><th scope="row" title="Ryzen">Laptop</th><td class="num negative" data-testid="ts-0">31.3</td><td>—</td></tr>');
    expect(html).toContain('<th scope="row" title="Snapdragon">Phone</th><td class="num negative" data-testid="ts-1">9.0</td>');
  });

  it("leaves the caption out where a heading names the table, and no empty class attribute", () => {
    const html = renderToStaticMarkup(createElement(DataTable<Row>, { columns: columns.slice(2), rows: rows.slice(0, 1) }));
    expect(html).toBe('<div class="table-wrap" tabindex="0"><table><thead><tr><th scope="col">Note</th></tr></thead><tbody><tr><td>—</td></tr></tbody></table></div>');
  });
});
