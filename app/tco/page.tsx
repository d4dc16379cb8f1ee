import { serverContext } from "../../lib/server/context";
import { loadScenario } from "../../lib/server/store/scenarios";
import { measuredDeviceEnergy } from "../../lib/server/read/measured-energy";
import { measuredBatchCurves } from "../../lib/server/read/batch-curve";
import { inputsFromSearchParams, upgradeInputs, validateInputs } from "../../lib/core/tco/inputs";
import { defaultInputs } from "../../lib/core/tco/model";
import { tiriasPreset } from "../../lib/core/tco/presets";
import { measuredBottomUp, referenceClassFromParam, referenceModelsFromParam } from "./measured-reference";
import { TcoApp } from "./tco-app";
import { pageMetadata } from "../components/page-metadata";

export const dynamic = "force-dynamic";
export const metadata = pageMetadata({ title: "Offload what-if · Tokenwatt", description: "What moving GenAI inference from the data center to devices saves or costs: energy, power and money, with measured device energy.", path: "/tco" });

export default async function TcoPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const sp = await searchParams;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(sp)) if (typeof v === "string") params.set(k, v);
  const { db } = await serverContext();
  // Which models and which device class the measured device J/token covers (?deviceRef=, ?deviceClass=).
  const { models: which, notice: modelsNotice } = referenceModelsFromParam(params.get("deviceRef"));
  const { deviceClass, notice: classNotice } = referenceClassFromParam(params.get("deviceClass"));
  const notices = [modelsNotice, classNotice].filter((n): n is string => n != null);
  const measured = await measuredDeviceEnergy(db, { deviceClass, models: which });
  // Apple's SoC figure (no DRAM, display or board) is shown apart, as a lower bound; the preset never takes it.
  const socLowerBound = await measuredDeviceEnergy(db, { deviceClass, models: which, scope: "soc" });
  const measuredCurves = await measuredBatchCurves(db);

  let base = params.get("preset") === "bottomUp" ? measuredBottomUp(deviceClass, measured) : params.get("preset") === "tirias2028" ? tiriasPreset() : defaultInputs();
  let scenarioName: string | null = null;
  const scenarioId = params.get("scenario");
  if (scenarioId) {
    const s = await loadScenario(db, scenarioId);
    const v = s ? validateInputs(upgradeInputs(s.inputs as Record<string, unknown>)) : null;
    if (s && v?.ok) {
      base = v.inputs;
      scenarioName = s.name;
    } else notices.push(`Scenario "${scenarioId}" was not found or is no longer valid; showing the defaults.`);
  }
  const fromUrl = inputsFromSearchParams(params, base);
  if (fromUrl.unknown.length) notices.push(`Ignored unknown parameters: ${fromUrl.unknown.join(", ")}.`);
  // A malformed shared URL keeps the raw values in the form, with a message on each bad field.
  const raw: Record<string, string> = Object.fromEntries(Object.entries(base).map(([k, v]) => [k, String(v)]));
  for (const [k, v] of params) if (k in base) raw[k] = v;

  return (
    <>
      <h1>Offload what-if: data center to devices</h1>
      <p className="lede">
        What moving a share of GenAI inference onto phones and laptops does to data-center cost, power, energy, carbon and
        water, and what it adds on the devices. Data-center-only and net (system-wide) results side by side: offload can
        raise total energy when the cloud model it replaces is small and well batched.
      </p>
      {scenarioName && <p className="notice">Scenario: {scenarioName}</p>}
      {notices.map((n) => (
        <p key={n} className="notice" role="status">
          {n}
        </p>
      ))}
      <TcoApp initialRaw={raw} baseInputs={base} measured={measured} socLowerBound={socLowerBound} referenceClass={deviceClass} measuredCurves={measuredCurves} scenarioName={scenarioName} />
    </>
  );
}
