/** Break-evens: the device J/token above which offload loses, on each side and for carbon. */
import { fmt } from "../../lib/core/tco/format";
import type { BreakEvens as B, TcoInputs } from "../../lib/core/tco/model";

/** What the figures are computed from (model.ts breakEvens' basis), said above them. */
const BASIS = {
  share: null,
  "first-tokens": "No offload in this year: these are the break-evens of the first tokens moved (the per-token economics of the chosen routing), which hold for any small share.",
  "nothing-moved": "No break-even: the routing moves no work to the devices (all of it hybrid, with all of the hybrid work still in the data center), so no device energy per token makes a difference.",
} as const;

export function BreakEvens({ be, inputs }: { be: B; inputs: TcoInputs }) {
  const j = (v: number | null) => (v == null ? "—" : `${fmt(v, 3)} J/token`);
  const basis = BASIS[be.basis];
  return (
    <div className="readouts" data-testid="break-evens">
      <h3>Break-evens (device energy per token above which offload loses)</h3>
      {basis && (
        <p className="notice" role="status" data-testid="break-evens-basis">
          {basis}
        </p>
      )}
      <ul>
        <li>
          Energy, battery side: <strong>{j(be.energyBatteryJPerToken)}</strong> (compare with the device input, {fmt(inputs.deviceJPerToken, 3)} J/token, battery side)
        </li>
        <li>
          Energy, wall side (charger included): <strong>{j(be.energyWallJPerToken)}</strong>
        </li>
        <li>
          Carbon, battery side:{" "}
          <strong>
            {be.carbonBatteryJPerToken != null
              ? j(be.carbonBatteryJPerToken)
              : be.energyBatteryJPerToken == null
                ? "—"
                : "none: the devices' embodied carbon alone outweighs the data center's (or the users' grid is carbon-free)"}
          </strong>
        </li>
      </ul>
      <p className="hint">
        Both sides scale with the offload share, so the sign of the net effect does not depend on it. The devices&apos; energy counts the requests they try and then escalate (see
        what the devices are charged for, above).
      </p>
    </div>
  );
}
