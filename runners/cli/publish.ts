/** `tokenwatt publish`: publish (or hide with --hide) runs and devices on the public leaderboard. */
import type { Command } from "commander";
import { openDbForCli } from "../../lib/server/db/embedded-server";
import { setPublished } from "../../lib/server/read/leaderboard";
import { CliError } from "./errors";

const collect = (v: string, prev: string[]) => [...prev, v];

export function registerPublishCommand(program: Command): void {
  program
    .command("publish")
    .description("publish runs on the public leaderboard (results are private until published); --hide takes them down")
    .option("--submission <id>", "a submission id (repeatable)", collect, [])
    .option("--device <id>", "every run of a device id (repeatable)", collect, [])
    .option("--all", "every plausible run in the database")
    .option("--hide", "hide instead of publish")
    .action(async (o: { submission: string[]; device: string[]; all?: boolean; hide?: boolean }) => {
      const bad = o.submission.filter((s) => !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s));
      if (bad.length) throw new CliError(`not submission ids: ${bad.join(", ")}`);
      const devices = o.device.map(Number);
      if (devices.some((d) => !Number.isInteger(d) || d < 1)) throw new CliError("--device takes positive integer ids");
      if (!o.submission.length && !devices.length && !o.all) throw new CliError("name --submission, --device or --all");
      const h = await openDbForCli();
      try {
        const r = await setPublished(h.db, { submissionIds: o.submission, deviceIds: devices, allPlausible: o.all }, !o.hide);
        console.log(`${o.hide ? "hid" : "published"} ${r.submissions} submission(s); the leaderboard is refreshed`);
      } finally {
        await h.close();
      }
    });
}
