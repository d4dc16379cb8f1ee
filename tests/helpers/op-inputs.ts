/** A valid input of each operation of lib/server/ops (what it does with it does not matter to a refusal). */
import { randomUUID } from "node:crypto";
import type { OpInput, OpName } from "../../lib/server/ops";
import { makeSubmission } from "../../harness/fixtures";

export const OP_INPUTS: { [K in OpName]: OpInput<K> } = {
  publish: { allPlausible: true, published: false },
  explainOutput: { submissionId: randomUUID(), reason: "checked by hand on this GPU" },
  renameDevice: { id: 1, name: "Lab box" },
  addLayout: { model: { ...makeSubmission().model, sha256: "a".repeat(64) } as OpInput<"addLayout">["model"] },
  listLayouts: {},
  createToken: { name: "minted-by-a-stranger" },
  listTokens: {},
  revokeToken: { name: "nobody" },
  enqueue: { target: { kind: "all" }, request: { model: "synthetic:llama-3.2-1b:Q4_0", suite: "quick" } } as OpInput<"enqueue">,
  reviewQueue: {},
  reviewRun: { submissionId: randomUUID(), decision: "reject", reason: "not what this device can do" },
  myRuns: {},
  trustContributor: { name: "nobody", trusted: true },
  createPairing: { ttlSeconds: 60 },
  firstRunStatus: {},
  registerAgent: { name: "fuzz-agent", version: "1", device: makeSubmission().device } as OpInput<"registerAgent">,
};

