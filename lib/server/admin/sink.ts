/** The owner's local store as a SubmissionSink: what `bench` and `import` use without --server. */
import type { SubmissionSink } from "../../core/contracts/sink";
import type { AdminOps } from "./ops";

export function adminSink(ops: AdminOps): SubmissionSink {
  return {
    where: ops.where,
    async deliver(s) {
      try {
        const r = await ops.store(s);
        return { ok: true, status: r.status, plausible: r.plausible, flags: r.flags };
      } catch (e) {
        return { ok: false, retryable: true, message: (e as Error).message };
      }
    },
    close: () => ops.close(),
  };
}
