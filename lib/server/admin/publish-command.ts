/** `tokenwatt publish`: publish (or hide with --hide) runs and devices on the public leaderboard. */
import type { Command } from "commander";
import { CliError } from "../../core/cli-error";
import type { AdminOps } from "./ops";
import { withAdmin } from "./token-command";

const collect = (v: string, prev: string[]) => [...prev, v];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function registerPublishCommand(program: Command, open: () => Promise<AdminOps>): void {
  program
    .command("publish")
    .description("publish runs on the public leaderboard (results are private until published); --hide takes them down")
    .option("--submission <id>", "a submission id (repeatable)", collect, [])
    .option("--device <id>", "every run of a device id (repeatable)", collect, [])
    .option("--all", "every plausible run in the database")
    .option("--hide", "hide instead of publish")
    .action(async (o: { submission: string[]; device: string[]; all?: boolean; hide?: boolean }) => {
      const bad = o.submission.filter((s) => !UUID.test(s));
      if (bad.length) throw new CliError(`not submission ids: ${bad.join(", ")}`);
      const devices = o.device.map(Number);
      if (devices.some((d) => !Number.isInteger(d) || d < 1 || d > 2 ** 31 - 1)) throw new CliError("--device takes positive integer ids");
      if (!o.submission.length && !devices.length && !o.all) throw new CliError("name --submission, --device or --all");
      await withAdmin(open, async (ops) => {
        const r = await ops.publish({ submissionIds: o.submission, deviceIds: devices, allPlausible: o.all }, !o.hide);
        console.log(`${o.hide ? "hid" : "published"} ${r.submissions} submission(s) in ${ops.where}; the leaderboard is refreshed`);
      });
    });
}
