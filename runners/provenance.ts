/**
 * Where the runner's code comes from, recorded on every submission (as llama-bench records its
 * build_commit): the git commit of this checkout, or null outside a git checkout.
 */
import { execFileSync } from "node:child_process";
import path from "node:path";

let commit: string | null | undefined;

export function runnerCommit(): string | null {
  if (commit !== undefined) return commit;
  try {
    const out = execFileSync("git", ["rev-parse", "--short=12", "HEAD"], { cwd: path.resolve(import.meta.dirname, ".."), stdio: ["ignore", "pipe", "ignore"], timeout: 5000 });
    commit = out.toString().trim() || null;
  } catch {
    commit = null;
  }
  return commit;
}
