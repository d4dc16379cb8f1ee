/** The device name rule in SQL (lib/server/read/device-name.ts) gives the names of lib/core/present/device-name.ts, on both databases. */
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { rowsOf } from "../../lib/server/db/client";
import { deviceNameSql } from "../../lib/server/read/device-name";
import { DEVICE_NAME_CASES } from "../helpers/device-names";
import { DB_KINDS, withTestDb } from "../helpers/db";

describe.each(DB_KINDS)("device names in SQL on %s", (kind) => {
  const h = withTestDb(kind);
  it("are the names the pages show", async () => {
    const values = sql.join(
      DEVICE_NAME_CASES.map(([displayName, vendor, model], i) => sql`(${i}::int, ${displayName}::text, ${vendor}::text, ${model}::text)`),
      sql`, `,
    );
    const r = rowsOf<{ name: string }>(await h.db.execute(sql`select ${deviceNameSql("d")} as name from (values ${values}) as d(i, display_name, vendor, model) order by d.i`));
    expect(r.map((x) => x.name)).toEqual(DEVICE_NAME_CASES.map((c) => c[3]));
  });
});
