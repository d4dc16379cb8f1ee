/** `tokenwatt snapshot --out DIR`: the published leaderboard as static files (HTML, JSON, CSV). */
import fs from "node:fs";
import path from "node:path";
import type { Command } from "commander";
import { CliError } from "../../runners/cli/cli-error";
import { toCsv } from "../../lib/core/present/csv";
import { snapshotHtml } from "../../lib/core/present/snapshot-html";
import { LEADERBOARD_COLUMNS, leaderboardQuerySchema } from "../../lib/server/read/leaderboard";
import type { AdminOps } from "../../lib/server/admin/ops";
import { withAdmin } from "./token";

export function registerSnapshotCommand(program: Command, open: () => Promise<AdminOps>): void {
  program
    .command("snapshot")
    .description("export the published leaderboard as a static site (index.html, leaderboard.json, leaderboard.csv)")
    .requiredOption("--out <dir>", "output directory (created; existing snapshot files are replaced)")
    .option("--pp <id>", "prompt workload", "pp512")
    .option("--tg <id>", "generation workload", "tg128")
    .action(async (o: { out: string; pp: string; tg: string }) => {
      const q = leaderboardQuerySchema.safeParse({ pp: o.pp, tg: o.tg, limit: "1000" });
      if (!q.success) throw new CliError(q.error.issues.map((i) => `--${i.path.join(".")}: ${i.message}`).join("; "));
      const rows = await withAdmin(open, (ops) => ops.leaderboard(q.data));
      const generatedAt = new Date().toISOString();
      fs.mkdirSync(o.out, { recursive: true });
      const write = (name: string, content: string) => {
        const f = path.join(o.out, name);
        fs.writeFileSync(`${f}.tmp`, content);
        fs.renameSync(`${f}.tmp`, f);
      };
      write("leaderboard.json", JSON.stringify({ schemaVersion: 1, generatedAt, query: q.data, columns: LEADERBOARD_COLUMNS, rows }, null, 2));
      write("leaderboard.csv", toCsv(rows, LEADERBOARD_COLUMNS));
      write("index.html", snapshotHtml(rows, { generatedAt, pp: q.data.pp, tg: q.data.tg }));
      console.log(`wrote ${rows.length} rows to ${path.resolve(o.out)} (index.html, leaderboard.json, leaderboard.csv)`);
    });
}
