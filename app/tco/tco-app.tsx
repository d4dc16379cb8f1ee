"use client";

/**
 * The offload what-if page: results first (verdict, feasibility, DC-only versus net, who pays,
 * ranges, charts), then the inputs, then every assumption with its source. State is the raw form
 * (so invalid fields keep what was typed); results use the last valid inputs; the URL follows.
 */
import { useCallback, useDeferredValue, useEffect, useMemo, useRef, useState } from "react";
import type { AssumptionKey } from "../../lib/core/tco/assumptions";
import { scenarioCsv } from "../../lib/core/tco/export";
import { fmt } from "../../lib/core/tco/format";
import { inputsToSearchParams, validateInputs, withPageParams } from "../../lib/core/tco/inputs";
import { defaultInputs, horizon, MODEL_VERSION, type TcoInputs } from "../../lib/core/tco/model";
import { DEVICE_CLASSES, REGIONS, tiriasPreset, withDeviceClass, withRegion, type DeviceClassKey, type RegionKey } from "../../lib/core/tco/presets";
import type { MeasuredBatchCurve } from "../../lib/server/read/batch-curve";
import type { MeasuredDeviceEnergy } from "../../lib/server/read/measured-energy";
import { AssumptionsTable, type Provenance } from "./assumptions-table";
import type { Raw } from "./fields";
import { InputsPanel } from "./inputs-panel";
import { measuredBottomUp } from "./measured-reference";
import { Results } from "./results";
import { useUncertainty } from "./use-uncertainty";
import "./tco.css";

const rawOf = (i: TcoInputs): Raw => Object.fromEntries(Object.entries(i).map(([k, v]) => [k, String(v)]));

export interface TcoAppProps {
  initialRaw: Raw;
  baseInputs: TcoInputs;
  /** The battery-side reference of `referenceClass` devices (the bottom-up preset's J/token), and the SoC-scope lower bound shown beside it. */
  measured: MeasuredDeviceEnergy | null;
  socLowerBound?: MeasuredDeviceEnergy | null;
  referenceClass?: DeviceClassKey;
  measuredCurves: MeasuredBatchCurve[];
  scenarioName: string | null;
  /** Read-only: opened from a signed share link; no saving. */
  readOnly?: boolean;
}

export function TcoApp({ initialRaw, baseInputs, measured, socLowerBound = null, referenceClass = "phone", measuredCurves, scenarioName, readOnly = false }: TcoAppProps) {
  const [raw, setRaw] = useState<Raw>(initialRaw);
  const validation = useMemo(() => validateInputs(raw), [raw]);
  const lastValid = useRef<TcoInputs>(validation.ok ? validation.inputs : baseInputs);
  if (validation.ok) lastValid.current = validation.inputs;
  const inputs = lastValid.current;
  const errors = validation.ok ? {} : validation.errors;
  const [saved, setSaved] = useState<{ text: string; url?: string } | null>(null);
  const [formKey, setFormKey] = useState(0);
  const [pinned, setPinned] = useState<{ inputs: TcoInputs; name: string } | null>(null);
  const [provenance, setProvenance] = useState<Provenance>({});
  const [sampleLevers, setSampleLevers] = useState(false);

  // The URL follows the inputs once they rest (replaceState on every slider step cost ~12 ms each).
  useEffect(() => {
    if (!validation.ok || readOnly) return;
    const q = withPageParams(inputsToSearchParams(validation.inputs), new URLSearchParams(window.location.search)).toString();
    const t = setTimeout(() => window.history.replaceState(null, "", q ? `/tco?${q}` : "/tco"), 200);
    return () => clearTimeout(t);
  }, [validation, readOnly]);

  // The field moves at once; the results follow in an interruptible background render.
  const deferred = useDeferredValue(inputs);
  const u = useUncertainty(deferred, sampleLevers);
  const clearPinned = useCallback(() => setPinned(null), []);

  const set = useCallback((k: string, v: string) => {
    setRaw((r) => ({ ...r, [k]: v }));
    // A value typed by hand is the user's own, whatever it was before.
    setProvenance((p) => (k in p ? Object.fromEntries(Object.entries(p).filter(([x]) => x !== k)) : p));
  }, []);
  const apply = (i: TcoInputs, p: Provenance = {}) => {
    setRaw(rawOf(i));
    setProvenance(p);
    setFormKey((n) => n + 1); // the helper's own fields (batch, overhead) reset too
  };
  const onHelperUse = useCallback(
    (j: number, source: string, kind: "reported" | "measured here") => {
      set("dcItJPerToken", String(j));
      setProvenance((p) => ({ ...p, dcItJPerToken: { kind, source } }));
    },
    [set],
  );
  const name = scenarioName ?? `Offload ${fmt(inputs.offloadShare * 100, 0)}% in ${inputs.year}`;

  const exportCsv = () => {
    const blob = new Blob([scenarioCsv(name, inputs, horizon(inputs), new Date())], { type: "text/csv" });
    const a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = "tokenwatt-tco.csv";
    a.click();
  };
  const save = async () => {
    const n = window.prompt("Name this scenario", name);
    if (!n) return;
    const r = await fetch("/api/v1/scenarios", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ name: n, inputs }) });
    const body = await r.json();
    if (!r.ok) return setSaved({ text: `Not saved: ${body.error?.message ?? r.status}` });
    setSaved({ text: "Saved. Read-only link for anyone you send it to:", url: `${window.location.origin}${body.shareUrl ?? body.url}` });
  };

  return (
    <div className="tco">
      <header className="print-only report-head">
        <h2>Offload what-if: board report</h2>
        <p>
          {name} · model v{MODEL_VERSION} · printed {new Date().toISOString().slice(0, 10)}
        </p>
      </header>
      <div className="toolbar no-print">
        <button onClick={() => apply(tiriasPreset())}>Preset: Tirias 2028</button>
        <button
          onClick={() =>
            apply(
              measuredBottomUp(referenceClass, measured),
              measured
                ? { deviceJPerToken: { kind: "measured here", source: `Median of ${measured.runs} published ${measured.reference.workloadId} results of ${measured.deviceClass}s measured by Tokenwatt runners (${measured.scope} scope)` } }
                : {},
            )
          }
        >
          Preset: bottom-up{measured ? ` (measured ${measured.deviceClass}s)` : ""}
        </button>
        <button onClick={() => apply(defaultInputs())}>Reset</button>
        {!readOnly && <button onClick={save}>Save scenario</button>}
        <button onClick={() => setPinned({ inputs, name })}>Keep as scenario B</button>
        <button onClick={exportCsv}>Export CSV</button>
        <button onClick={() => window.print()}>Print board report</button>
      </div>
      {saved && (
        <p className="notice" role="status">
          {saved.text} {saved.url && <a href={saved.url}>{saved.url}</a>}
        </p>
      )}
      {!validation.ok && (
        <p className="field-error" role="alert">
          Some inputs are invalid; the results below use the last valid values.
        </p>
      )}
      <div className="tco-grid">
        <Results inputs={deferred} u={u} sampleLevers={sampleLevers} setSampleLevers={setSampleLevers} pinned={pinned} clearPinned={clearPinned} />
        <InputsPanel
          key={formKey}
          raw={raw}
          errors={errors}
          inputs={inputs}
          set={set}
          onRegion={(side, region) => region in REGIONS && setRaw(rawOf(withRegion(inputs, side, region as RegionKey)))}
          onDeviceClass={(c) => c in DEVICE_CLASSES && setRaw(rawOf(withDeviceClass(inputs, c as DeviceClassKey)))}
          onHelperUse={onHelperUse}
          measured={measured}
          socLowerBound={socLowerBound}
          referenceClass={referenceClass}
          measuredCurves={measuredCurves}
        />
      </div>
      <AssumptionsTable inputs={deferred} provenance={provenance as Partial<Record<AssumptionKey, { kind: string; source: string }>>} />
    </div>
  );
}
