/** `tokenwatt agent`: a long-running fleet agent (runners/agent/agent.ts) for this device. */
import os from "node:os";
import { createHash } from "node:crypto";
import path from "node:path";
import { Option, type Command } from "commander";
import { dataDir as runnerDataDir } from "../env";
import { Agent } from "../agent/agent";
import { AgentApiError, AgentClient } from "../agent/client";
import { nativeMeasure } from "../agent/measure-native";
import { AgentStateFile } from "../agent/state";
import { probeThisDevice } from "../native/device/probe";
import { deviceName } from "./device-name";
import { TOKENWATT_VERSION } from "../../lib/core/measure/build-submission";
import { Outbox } from "../upload/outbox";
import { CliError } from "./cli-error";

interface AgentCliOptions {
  server: string;
  token: string;
  name: string;
  deviceName?: string;
  pollInterval: string;
  heartbeatInterval: string;
  maxBackoff: string;
  once: boolean;
  power: boolean;
  bandwidth: boolean;
}

const seconds = (flag: string, v: string, min: number, max: number): number => {
  const n = Number(v);
  if (!Number.isFinite(n) || n < min || n > max) throw new CliError(`--${flag} must be a number of seconds from ${min} to ${max} (got "${v}")`);
  return n;
};

export function registerAgentCommand(program: Command): void {
  program
    .command("agent")
    .description("run as a fleet agent: register this device, heartbeat, pull jobs from the server, measure, upload")
    .addOption(new Option("--server <url>", "Tokenwatt server").env("TOKENWATT_SERVER").makeOptionMandatory())
    .addOption(new Option("--token <token>", "agent token (tokenwatt token create --name NAME --role agent)").env("TOKENWATT_TOKEN").makeOptionMandatory())
    .option("--name <name>", "the agent's name on the dashboard", os.hostname())
    .option("--device-name <name>", "your name for this device on its results, shown instead of vendor and model")
    .option("--poll-interval <s>", "seconds between polls for a job when idle", "10")
    .option("--heartbeat-interval <s>", "seconds between heartbeats", "10")
    .option("--max-backoff <s>", "longest wait between retries when the server is unreachable", "60")
    .option("--once", "run at most one job (none if there is none), then exit")
    .option("--no-power", "do not measure power")
    .option("--no-bandwidth", "skip the memory bandwidth benchmark")
    .action(async (o: AgentCliOptions) => {
      try {
        new URL(o.server);
      } catch {
        throw new CliError(`--server must be a URL like http://host:3000 (got "${o.server}")`);
      }
      const log = (m: string) => process.stderr.write(`[agent ${new Date().toISOString().slice(11, 19)}] ${m}\n`);
      const dataDir = runnerDataDir();
      // One directory per agent (server + token): its outbox is not flushed by `tokenwatt upload`
      // with another token, and two agents on one machine keep separate state.
      const agentDir = path.join(dataDir, "agents", createHash("sha256").update(`${o.server}\n${o.token}`).digest("hex").slice(0, 16));
      const named = deviceName(o.deviceName);
      const agent = new Agent({
        client: new AgentClient(o.server, o.token),
        token: o.token,
        name: o.name,
        version: TOKENWATT_VERSION,
        probe: async () => ({ ...(await probeThisDevice()), name: named }),
        measure: nativeMeasure({ dataDir, power: o.power, bandwidth: o.bandwidth, log }),
        outbox: new Outbox(path.join(agentDir, "outbox")),
        state: new AgentStateFile(path.join(agentDir, "state.json")),
        pollIntervalMs: seconds("poll-interval", o.pollInterval, 0.2, 3600) * 1000,
        heartbeatIntervalMs: seconds("heartbeat-interval", o.heartbeatInterval, 0.2, 3600) * 1000,
        backoff: { baseMs: 500, maxMs: seconds("max-backoff", o.maxBackoff, 0.5, 3600) * 1000 },
        once: o.once === true,
        log,
      });
      let signals = 0;
      const onSignal = (sig: NodeJS.Signals) => {
        if (++signals > 1) {
          log(`${sig} again: exiting now`);
          process.exit(130);
        }
        agent.stop(sig);
      };
      process.on("SIGINT", onSignal);
      process.on("SIGTERM", onSignal);
      try {
        await agent.run();
        log("stopped");
      } catch (e) {
        if (e instanceof AgentApiError) throw new CliError(`the server refused this agent: ${e.message}`, 1);
        throw e;
      } finally {
        process.off("SIGINT", onSignal);
        process.off("SIGTERM", onSignal);
      }
    });
}
