/**
 * `tokenwatt review list|publish|reject|trust`: the review queue of contributors' runs (issue 30): what
 * waits with what a reviewer needs, a decision (a rejection says why; the contributor reads it), and
 * whether a contributor is trusted (their runs without a flag publish themselves).
 */
import type { Command } from "commander";
import { CliError } from "../../runners/cli/cli-error";
import type { AdminOps } from "../../lib/server/admin/ops";
import { withAdmin } from "./token";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const num = (v: number | null, d = 1) => (v == null ? "-" : v.toFixed(d));

export function registerReviewCommands(program: Command, open: () => Promise<AdminOps>): void {
  const review = program.command("review").description("the review queue: contributors' runs wait there until published or rejected");

  review
    .command("list")
    .description("runs waiting for review, oldest first, with their flags and each workload beside other devices' median")
    .action(async () => {
      await withAdmin(open, async (ops) => {
        const { pending } = await ops.call("reviewQueue", {});
        if (!pending.length) return console.log(`nothing waits for review in ${ops.where}`);
        for (const e of pending) {
          console.log(`${e.submissionId}  ${e.contributor}  ${e.device}  ${e.model} ${e.quantization}  ${e.backend}  ${e.engine}  received ${e.receivedAt.slice(0, 16).replace("T", " ")}`);
          console.log(`  ${e.plausible && e.flags.length === 0 ? "plausible" : `flagged: ${e.flags.map((f) => `${f.workloadId ?? "run"} ${f.code}: ${f.message}`).join("; ")}`}; output check: ${e.outputStatus ?? "none"}`);
          for (const w of e.workloads)
            console.log(`  ${w.workloadId.padEnd(14)} ${w.medianMs != null ? `${num(w.medianMs)} ms` : `${num(w.medianTs)} t/s`}  others: ${w.peerDevices ? `${num(w.peersMedianTs)} t/s over ${w.peerDevices} device(s)` : "none published"}${w.plausible ? "" : "  (flagged)"}`);
        }
      });
    });

  const decide = (decision: "publish" | "reject") =>
    review
      .command(decision)
      .description(decision === "publish" ? "publish a contributor's run: it ranks" : "reject a contributor's run, saying why (the contributor reads it)")
      .argument("<submission-id>")
      .option("--reason <text>", "why (10 to 500 characters; required to reject)")
      .action(async (id: string, o: { reason?: string }) => {
        if (!UUID.test(id)) throw new CliError(`not a submission id: ${id}`);
        if (decision === "reject" && (!o.reason || o.reason.trim().length < 10)) throw new CliError("--reason must say why, in 10 to 500 characters");
        await withAdmin(open, async (ops) => {
          const r = await ops.call("reviewRun", { submissionId: id, decision, reason: o.reason?.trim() ?? null });
          console.log(`run ${id} is ${r.reviewStatus} in ${ops.where}${r.reviewStatus === "published" ? "; the leaderboard is refreshed" : ""}`);
        });
      });
  decide("publish");
  decide("reject");

  review
    .command("trust")
    .description("trust a contributor: their runs without a single flag publish themselves (--off: back to review)")
    .argument("<contributor>")
    .option("--off", "no longer trusted")
    .action(async (name: string, o: { off?: boolean }) => {
      await withAdmin(open, async (ops) => {
        const r = await ops.call("trustContributor", { name, trusted: !o.off });
        console.log(`contributor "${r.name}" is ${r.trusted ? "trusted" : "reviewed"} in ${ops.where}`);
      });
    });
}
