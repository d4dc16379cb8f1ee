/** The one-sentence verdict a board report opens with (pure). */
import type { Feasibility } from "./feasibility";
import { FEASIBILITY_LIMITS } from "./feasibility";
import { fmt, mwh, pct, usd } from "./format";
import type { TcoInputs, TcoResult } from "./model";

export function verdict(i: TcoInputs, r: TcoResult, f: Feasibility): string {
  const what = `Moving ${pct(r.offloadShare, 0)} of GenAI inference onto ${fmt(r.perDevice.devices / 1e9, 2)} billion devices in ${r.year}`;
  if (f.level === "infeasible") {
    // A mains device (a desktop) has no battery: only its minutes are checked.
    const mains = i.powerSource === "mains";
    const battery = mains ? "" : `${pct(f.batteryShare, 0)} of a battery and `;
    const limits = mains ? "" : `${pct(FEASIBILITY_LIMITS.batteryShare.infeasibleAbove, 0)} and `;
    return (
      `Not feasible as entered: ${what.charAt(0).toLowerCase()}${what.slice(1)} needs ${fmt(f.tokensPerDeviceDay, 0)} tokens, ${battery}` +
      `${fmt(f.generationMinutesPerDay, 0)} minutes of generation per device per day (limits: ${limits}` +
      `${FEASIBILITY_LIMITS.generationMinutes.infeasibleAbove} minutes). The net, who-pays and NPV figures are withheld until the inputs change.`
    );
  }
  const net = r.net.energySavedMwh;
  const society = r.net.usd;
  const carbon = i.carbonPriceUsdPerT > 0 ? ` (${society + i.carbonPriceUsdPerT * r.net.carbonSavedT >= 0 ? "gains" : "loses"} ${usd(Math.abs(r.net.usdWithCarbon))} with carbon at $${fmt(i.carbonPriceUsdPerT, 0)}/t)` : "";
  return (
    `${what} avoids ${usd(r.dc.costAvoidedLongRunUsd)} a year and ${fmt(r.dc.avgPowerAvoidedMw, 0)} MW in the data center (${usd(r.dc.costAvoidedShortRunUsd)} in the short run); ` +
    `counting the devices it ${net >= 0 ? "saves" : "adds"} ${mwh(Math.abs(net))} of energy, users pay ${usd(-r.whoPays.users.usd)}, and society ${society >= 0 ? "gains" : "loses"} ${usd(Math.abs(society))} a year${carbon}.` +
    (f.level === "strained" ? " The per-device load is a strain (see feasibility)." : "")
  );
}
