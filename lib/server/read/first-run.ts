/**
 * The first measurement's progress (lib/core/contracts/first-run.ts), as the runner beside the server
 * writes it to first-run.json in the data directory: read by the owner's home page and GET
 * /api/v1/owner/first-run. A file, not a table: the runner writes it while the server serves, and the
 * embedded database is the server's alone.
 */
import fs from "node:fs";
import path from "node:path";
import { FIRST_RUN_FILE, parseFirstRunStatus, type FirstRunStatus } from "../../core/contracts/first-run";

export function readFirstRun(dataDir: string): FirstRunStatus | null {
  let text: string;
  try {
    text = fs.readFileSync(path.join(dataDir, FIRST_RUN_FILE), "utf8");
  } catch {
    return null;
  }
  return parseFirstRunStatus(text);
}
