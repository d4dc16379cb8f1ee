"use client";

/** The TCO inputs: scenario choices first (demand, offload, replaced model, device class, regions), then the executive inputs, then the rest collapsed. */
import { ADOPTION_CURVES, ASSUMPTIONS, type AssumptionKey } from "../../lib/core/tco/assumptions";
import type { FieldErrors } from "../../lib/core/tco/inputs";
import type { TcoInputs } from "../../lib/core/tco/model";
import { useState } from "react";
import { DEVICE_CLASSES, regionKeeps, REGIONS, type RegionKey } from "../../lib/core/tco/presets";
import { fmt } from "../../lib/core/tco/format";
import type { MeasuredBatchCurve } from "../../lib/server/read/batch-curve";
import type { MeasuredDeviceEnergy } from "../../lib/server/read/measured-energy";
import { DcEnergyHelper } from "./dc-energy-helper";
import { AssumptionField, PlainField, Select, type Raw } from "./fields";

/** What the measured device J/token must be (lib/server/read/measured-energy.ts): said when there is none. */
const DEVICE_REFERENCE_TEXT = "tg128 result measured in a battery or SoC scope (wall readings include the charger; package readings leave out the rest of the device)";

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
  measuredCurves: MeasuredBatchCurve[];
}

export function InputsPanel({ raw, errors, inputs, set, onRegion, onDeviceClass, onHelperUse, measured, measuredCurves }: InputsPanelProps) {
  const e = errors as Record<string, string | undefined>;
  const field = (k: AssumptionKey) => <AssumptionField key={k} k={k} value={raw[k]} error={e[k]} set={set} />;
  // What the last region chosen on each side left as it was (no sourced figure): said beside the choice.
  const [kept, setKept] = useState<Partial<Record<"dc" | "users", { region: string; lines: string[] }>>>({});
  const chooseRegion = (side: "dc" | "users", region: string) => {
    if (region in REGIONS) setKept((k) => ({ ...k, [side]: { region: REGIONS[region as RegionKey].label, lines: regionKeeps(inputs, side, region as RegionKey) } }));
    onRegion(side, region);
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
        onChange={onDeviceClass}
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
        Device energy:{" "}
        {measured ? (
          <>
            {fmt(measured.jPerToken, 3)} J/token above idle (median; {fmt(measured.p25, 3)}–{fmt(measured.p75, 3)}) from {measured.runs} published {measured.reference.workloadId} results of{" "}
            {measured.models == null ? "all models" : "model" in measured.models ? measured.models.model : `${measured.models.sizeClass} models`} measured in the {measured.scopes.join(" and ")} scope (runs{" "}
            {measured.submissionIds.slice(0, 5).map((id, i) => (
              <span key={id}>
                {i > 0 && ", "}
                <a href={`/runs/${id}`}>{id.slice(0, 8)}</a>
              </span>
            ))}
            {measured.submissionIds.length > 5 && ", …"}); the bottom-up preset uses it.
          </>
        ) : (
          `no published ${DEVICE_REFERENCE_TEXT} yet: the default is the reported phone figure`
        )}
      </p>
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
