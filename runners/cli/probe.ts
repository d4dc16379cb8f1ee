/** `tokenwatt probe`: what the runner would record about this device, without measuring a model. */
import type { Command } from "commander";
import { measureBandwidthGBps } from "../native/device/bandwidth";
import { workingBackends } from "../native/device/backends";
import { probeDevice } from "../native/device/probe";
import { detectMeters } from "../native/power";

export function registerProbeCommand(program: Command): void {
  program
    .command("probe")
    .description("print this device's description, working backends, power meters and memory bandwidth (JSON)")
    .option("--no-bandwidth", "skip the memory bandwidth benchmark")
    .action(async (o: { bandwidth: boolean }) => {
      const backends = await workingBackends();
      const bw = o.bandwidth ? Math.round((await measureBandwidthGBps()) * 100) / 100 : null;
      const device = await probeDevice("cpu", bw, backends);
      const { meters, notes } = await detectMeters();
      const { backend: _unused, ...rest } = device;
      console.log(JSON.stringify({ ...rest, powerMeters: meters.map((m) => ({ sensor: m.sensor, scope: m.scope, method: m.method })), notes }, null, 2));
    });
}
