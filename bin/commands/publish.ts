/** `tokenwatt publish`: publish (or hide with --hide) runs and devices on the public leaderboard. */
import type { Command } from "commander";
import { CliError } from "../../runners/cli/cli-error";
import type { AdminOps } from "../../lib/server/admin/ops";
import { withAdmin } from "./token";

const collect = (v: string, prev: string[]) => [...prev, v];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function registerExplainOutputCommand(program: Command, open: () => Promise<AdminOps>): void {
  program
    .command("explain-output")
    .description('let a run flagged "output differs" (its tokens left the native CPU reference early) back onto the ranking, with the reason')
    .argument("<submission-id>", "the run")
    .requiredOption("--reason <text>", "why its output differs and why its figures stand (10 to 500 characters; shown on its page)")
    .action(async (id: string, o: { reason: string }) => {
      if (!UUID.test(id)) throw new CliError(`not a submission id: ${id}`);
      const reason = o.reason.trim();
      if (reason.length < 10 || reason.length > 500) throw new CliError("--reason must say why, in 10 to 500 characters");
      await withAdmin(open, async (ops) => {
        const r = await ops.call("explainOutput", { submissionId: id, reason });
        console.log(`run ${id} is explained in ${ops.where}; ${r.plausible ? "it ranks again" : "other flags still keep it off the ranking"}`);
      });
    });
}

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
        const r = await ops.call("publish", { submissionIds: o.submission, deviceIds: devices, allPlausible: o.all, published: !o.hide });
        console.log(`${o.hide ? "hid" : "published"} ${r.changedSubmissions} submission(s) in ${ops.where}; the leaderboard is refreshed`);
      });
    });
}
