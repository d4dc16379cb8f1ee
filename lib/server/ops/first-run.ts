/**
 * GET /api/v1/owner/first-run: the first measurement's progress (null when this data directory never
 * had one), for the owner's home page, which asks every few seconds while it runs. Read-only, a file
 * read: it costs the server next to nothing while the machine is being measured.
 */
import { z } from "zod";
import { authorize } from "../access/policy";
import { serverDataDir } from "../env";
import { readFirstRun } from "../read/first-run";
import { operation } from "./operation";

export const firstRunStatus = operation({
  permission: "see-first-run",
  input: z.object({}).strict(),
  http: { method: "GET", path: "/api/v1/owner/first-run" },
  async run(_ctx, caller) {
    authorize(caller, "see-first-run");
    return { firstRun: readFirstRun(serverDataDir()) };
  },
});
