import { getTableColumns, type Table } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { parseSubmission } from "../../lib/core/contracts/submission";
import { submissionPower, submissions, workloadResults } from "../../lib/server/db/schema";
import {
  DB_FILLED_COLUMNS,
  ADMIN_WRITTEN_COLUMNS,
  INGEST_FUNCTION_SQL,
  OUTPUT_CHECK_COLUMNS,
  SUBMISSION_COLUMNS,
  SUBMISSION_POWER_COLUMNS,
  WORKLOAD_COLUMNS,
  WORKLOAD_FROM_SUBMISSION,
} from "../../lib/server/db/ingest-function";
import { submissionRow, workloadRow } from "../../lib/server/store/ingest";
import { makeSubmission } from "../../harness/fixtures";

const columns = (t: Table) => Object.values(getTableColumns(t)).map((c) => c.name);
/** Every column of the table is written by the function or filled by the database, and nothing else is written. */
function expectCovers(t: Table, written: readonly string[]) {
  const all = columns(t);
  expect(written.filter((c) => !all.includes(c))).toEqual([]);
  expect(all.filter((c) => !written.includes(c) && !(DB_FILLED_COLUMNS as readonly string[]).includes(c))).toEqual([]);
}

describe("the ingest function's column lists", () => {
  it("cover every column of the three tables it writes", () => {
    expectCovers(submissions, [...SUBMISSION_COLUMNS, ...OUTPUT_CHECK_COLUMNS, ...ADMIN_WRITTEN_COLUMNS]);
    expectCovers(workloadResults, [...WORKLOAD_FROM_SUBMISSION, ...WORKLOAD_COLUMNS]);
    expectCovers(submissionPower, SUBMISSION_POWER_COLUMNS);
  });

  it("match the rows ingest.ts builds", () => {
    const p = parseSubmission(makeSubmission());
    if (!p.ok) throw new Error("fixture invalid");
    expect(Object.keys(submissionRow(p.submission, { deviceId: 1, modelId: 1, engineId: 1 }, null, [])).sort()).toEqual([...SUBMISSION_COLUMNS].sort());
    expect(Object.keys(workloadRow(p.submission.workloads[0]!, true, p.submission)).sort()).toEqual([...WORKLOAD_COLUMNS].sort());
  });

  it("is CREATE OR REPLACE statements (the near-tie helper, the output check, then the ingest) naming every written column", () => {
    expect(INGEST_FUNCTION_SQL).toMatch(/^\s*(--[^\n]*\n)*CREATE OR REPLACE FUNCTION tokenwatt_tie_gap\(/);
    expect(INGEST_FUNCTION_SQL).toMatch(/\nCREATE OR REPLACE FUNCTION tokenwatt_check_output\(/);
    expect(INGEST_FUNCTION_SQL).toMatch(/\nCREATE OR REPLACE FUNCTION tokenwatt_ingest\(/);
    expect(INGEST_FUNCTION_SQL).not.toMatch(/\b(DROP|TRUNCATE)\b/i);
    for (const c of [...SUBMISSION_COLUMNS, ...OUTPUT_CHECK_COLUMNS, ...WORKLOAD_COLUMNS, ...SUBMISSION_POWER_COLUMNS]) expect(INGEST_FUNCTION_SQL).toContain(c);
  });
});
