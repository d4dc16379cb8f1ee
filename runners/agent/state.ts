/**
 * What the agent must remember across its own restarts: the job it holds and, once measured, the
 * id of its submission (which waits in the outbox until the server has it). Written atomically.
 */
import fs from "node:fs";
import path from "node:path";

export interface AgentState {
  job: { id: string; submissionId: string | null } | null;
}

export class AgentStateFile {
  constructor(readonly file: string) {}

  read(): AgentState {
    try {
      return JSON.parse(fs.readFileSync(this.file, "utf8")) as AgentState;
    } catch {
      return { job: null };
    }
  }

  write(s: AgentState): void {
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.tmp-${process.pid}`;
    fs.writeFileSync(tmp, JSON.stringify(s));
    fs.renameSync(tmp, this.file);
  }
}
