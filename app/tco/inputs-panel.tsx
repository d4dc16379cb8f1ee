"use client";

/** The TCO inputs: scenario choices first (demand, offload, replaced model, device class, regions), then the executive inputs, then the rest collapsed. */
import { ADOPTION_CURVES, ASSUMPTIONS, type AssumptionKey } from "../../lib/core/tco/assumptions";
import { inputsToSearchParams, type FieldErrors } from "../../lib/core/tco/inputs";
import type { TcoInputs } from "../../lib/core/tco/model";
import { useState } from "react";
import { DEVICE_CLASSES, regionKeeps, REGIONS, type DeviceClassKey, type RegionKey } from "../../lib/core/tco/presets";
import { fmt } from "../../lib/core/tco/format";
import type { MeasuredBatchCurve } from "../../lib/server/read/batch-curve";
import type { MeasuredDeviceEnergy } from "../../lib/server/read/measured-energy";
import { DcEnergyHelper } from "./dc-energy-helper";
import { AssumptionField, PlainField, Select, type Raw } from "./fields";

/** What the measured device J/token must be (lib/server/read/measured-energy.ts): said when there is none. */
const DEVICE_REFERENCE_TEXT = "measured in the battery scope (wall readings include the charger; package and SoC readings leave out the rest of the device; readings with short windows or gaps are left out)";
/** Why the SoC figure is a lower bound (runners/native/power/powermetrics.ts): said beside it. */
const SOC_TEXT = "SoC scope only (Apple powermetrics CPU+GPU+ANE: no DRAM, display or rest of the board), a lower bound the preset does not use";

const modelsText = (m: MeasuredDeviceEnergy) => (m.models == null ? "all models" : "model" in m.models ? m.models.model : `${m.models.sizeClass} models`);

/** Links to the first runs a reference comes from. */
function RunLinks({ ids }: { ids: string[] }) {
  return (
    <>
      (runs{" "}
      {ids.slice(0, 5).map((id, i) => (
        <span key={id}>
          {i > 0 && ", "}
          <a href={`/runs/${id}`}>{id.slice(0, 8)}</a>
        </span>
      ))}
      {ids.length > 5 && ", …"})
    </>
  );
}

const EXEC: AssumptionKey[] = ["offloadShare", "dcCostUsd", "dcPowerMw", "fleetItJPerToken", "dcItJPerToken", "deviceJPerToken", "dcElectricityUsdPerKwh", "residentialUsdPerKwh", "dcGridGPerKwh", "deviceGridGPerKwh"];
const ADVANCED = (Object.keys(ASSUMPTIONS) as AssumptionKey[]).filter((k) => !EXEC.includes(k));
const ADVANCED_PLAIN = ["users", "queriesPerUserPerDay", "tokensPerQuery", "baseYear", "offloadShareStart", "rampYears"] as const;

export interface InputsPanelProps {
  raw: Raw;
  errors: FieldErrors;
  inputs: TcoInputs;
  set: (k: string, v: string) => void;
  onRegion: (side: "dc" | "users", region: string) => void;
  onDeviceClass: (cls: string) => void;
  onHelperUse: (j: number, source: string, kind: "reported" | "measured here") => void;
  measured: MeasuredDeviceEnergy | null;
  socLowerBound: MeasuredDeviceEnergy | null;
  /** The device class the measured references are of. */
  referenceClass: DeviceClassKey;
  measuredCurves: MeasuredBatchCurve[];
}

export function InputsPanel({ raw, errors, inputs, set, onRegion, onDeviceClass, onHelperUse, measured, socLowerBound, referenceClass, measuredCurves }: InputsPanelProps) {
  const e = errors as Record<string, string | undefined>;
  const field = (k: AssumptionKey) => <AssumptionField key={k} k={k} value={raw[k]} error={e[k]} set={set} />;
  // What the last region chosen on each side left as it was (no sourced figure): said beside the choice.
  const [kept, setKept] = useState<Partial<Record<"dc" | "users", { region: string; lines: string[] }>>>({});
  const chooseRegion = (side: "dc" | "users", region: string) => {
    if (region in REGIONS) setKept((k) => ({ ...k, [side]: { region: REGIONS[region as RegionKey].label, lines: regionKeeps(inputs, side, region as RegionKey) } }));
    onRegion(side, region);
  };
  // A class chosen here other than the references' own: the page offers that class's references.
  const [chosenClass, setChosenClass] = useState<DeviceClassKey | null>(null);
  const chooseClass = (c: string) => {
    if (c in DEVICE_CLASSES) setChosenClass(c as DeviceClassKey);
    onDeviceClass(c);
  };
  const exec = EXEC.filter((k) => (inputs.mode === "topDown" || (k !== "dcCostUsd" && k !== "dcPowerMw")) && (inputs.replacedModel === "custom" || k !== "dcItJPerToken"));
  return (
    <details className="panel inputs-panel" open>
      <summary>
        <h2 id="inputs-h">Inputs</h2>
      </summary>
      <Select id="in-mode" label="Demand" value={raw.mode ?? ""} onChange={(v) => set("mode", v)} options={[["topDown", "Top-down: DC cost and power baseline"], ["bottomUp", "Bottom-up: users x queries x tokens"]]} />
      <Select id="in-offloadMode" label="Offload share" value={raw.offloadMode ?? ""} onChange={(v) => set("offloadMode", v)} options={[["direct", "Direct: the share is an input"], ["coverage", "Coverage: small-model coverage x capable devices"]]} />
      <Select
        id="in-replacedModel"
        label="Cloud model the offloaded work replaces (a choice, not an uncertainty)"
        value={raw.replacedModel ?? ""}
        onChange={(v) => set("replacedModel", v)}
        options={[["fleet", "The fleet average (the offloaded work is average work)"], ["custom", "A model class of its own (J/token below or from the helper)"]]}
      />
      <Select
        id="device-class"
        label="Device class (sets J/token, speed, battery, power source and AI-capable sales together)"
        value=""
        onChange={chooseClass}
        options={[["", "Keep the values below"], ...Object.entries(DEVICE_CLASSES).map(([k, c]): [string, string] => [k, c.label])]}
      />
      <Select
        id="in-adoptionCurve"
        label="Devices AI-capable anyway (upgrades are charged only beyond this share of sales)"
        value={raw.adoptionCurve ?? ""}
        onChange={(v) => set("adoptionCurve", v)}
        options={Object.entries(ADOPTION_CURVES).map(([k, c]): [string, string] => [k, c.label])}
      />
      <Select id="in-powerSource" label="Power source" value={raw.powerSource ?? ""} onChange={(v) => set("powerSource", v)} options={[["battery", "Battery (phone, laptop)"], ["mains", "Mains (desktop: no battery wear, minutes only)"]]} />
      {(["dc", "users"] as const).map((side) => (
        <div key={side}>
          <Select
            id={`region-${side}`}
            label={`${side === "dc" ? "Data-center region" : "Users' region"} (grid, water, price)`}
            value=""
            onChange={(v) => chooseRegion(side, v)}
            options={[["", "Keep the values below"], ...Object.entries(REGIONS).map(([k, r]): [string, string] => [k, r.label])]}
          />
          {kept[side] && kept[side].lines.length > 0 && (
            <p className="notice" role="status" data-testid={`region-kept-${side}`}>
              {kept[side].region} set where sourced. {kept[side].lines.join(". ")}.
            </p>
          )}
        </div>
      ))}
      <details className="hint">
        <summary>Sources of the regions, device classes and AI-capable sales</summary>
        Only sourced figures are set: {Object.values(REGIONS).map((r) => `${r.label}: ${r.source}`).join("; ")}; {Object.values(DEVICE_CLASSES).map((c) => `${c.label}: ${c.source}; coverage: ${c.coverage}`).join("; ")}; AI-capable sales:{" "}
        {Object.values(ADOPTION_CURVES).map((c) => `${c.label}: ${c.source}`).join("; ")}.
      </details>
      <PlainField k="year" value={raw.year} error={e.year} set={set} />
      {inputs.replacedModel === "custom" && <DcEnergyHelper measuredCurves={measuredCurves} wallJPerToken={inputs.deviceJPerToken / inputs.chargingEfficiency} pue={inputs.pue} onUse={onHelperUse} />}
      {exec.map(field)}
      {inputs.mode === "bottomUp" && (["users", "queriesPerUserPerDay", "tokensPerQuery"] as const).map((k) => <PlainField key={k} k={k} value={raw[k]} error={e[k]} set={set} />)}
      <PlainField k="horizonYears" value={raw.horizonYears} error={e.horizonYears} set={set} />
      <Select
        id="in-discounting"
        label="NPV: valued at the start of the year; each year's flows discounted at its"
        value={raw.discounting ?? ""}
        onChange={(v) => set("discounting", v)}
        options={[["start", "start (the first year undiscounted)"], ["mid", "middle (mid-year convention)"], ["end", "end (end-of-year convention)"]]}
      />
      <p className="hint" data-testid="measured-device-energy">
        Device energy of {referenceClass}s:{" "}
        {measured ? (
          <>
            {fmt(measured.jPerToken, 3)} J/token above idle (median; {fmt(measured.p25, 3)}–{fmt(measured.p75, 3)}) from {measured.runs} published {measured.reference.workloadId} results of {modelsText(measured)} on {referenceClass}s measured in
            the {measured.scope} scope <RunLinks ids={measured.submissionIds} />; the bottom-up preset uses it.
          </>
        ) : (
          `no published tg128 result of a ${referenceClass} ${DEVICE_REFERENCE_TEXT} yet: the bottom-up preset takes the reported ${referenceClass} figure`
        )}
        {socLowerBound && (
          <span data-testid="measured-device-energy-soc">
            {" "}
            {SOC_TEXT}: {fmt(socLowerBound.jPerToken, 3)} J/token (median; {fmt(socLowerBound.p25, 3)}–{fmt(socLowerBound.p75, 3)}) from {socLowerBound.runs} results of {modelsText(socLowerBound)} <RunLinks ids={socLowerBound.submissionIds} />.
          </span>
        )}
      </p>
      {chosenClass && chosenClass !== referenceClass && (
        <p className="notice" role="status" data-testid="measured-device-class">
          The measured device energy above is of {referenceClass}s, not {chosenClass}s:{" "}
          <a href={`/tco?${new URLSearchParams([...inputsToSearchParams(inputs), ["deviceClass", chosenClass]]).toString()}`}>open the {chosenClass} reference</a>.
        </p>
      )}
      {/* Opens by itself when one of its fields is invalid, so every message is visible. */}
      <details open={[...ADVANCED, ...ADVANCED_PLAIN].some((k) => e[k]) || undefined}>
        <summary>Advanced (engineers)</summary>
        {ADVANCED_PLAIN.filter((k) => inputs.mode === "topDown" || !["users", "queriesPerUserPerDay", "tokensPerQuery"].includes(k)).map((k) => (
          <PlainField key={k} k={k} value={raw[k]} error={e[k]} set={set} />
        ))}
        {ADVANCED.map(field)}
      </details>
    </details>
  );
}
