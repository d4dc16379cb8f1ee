/**
 * A saved scenario opened from its signed read-only link (/tco/shared/<id>?sig=...): anyone the
 * owner sends the link to sees the scenario and can try changes, but not save them. A wrong or
 * missing signature is a 404, like a scenario that does not exist.
 */
import { notFound } from "next/navigation";
import { upgradeInputs, validateInputs } from "../../../../lib/core/tco/inputs";
import { ownerCredential } from "../../../../lib/server/store/owner-credential";
import { serverContext } from "../../../../lib/server/context";
import { serverDataDir } from "../../../../lib/server/env";
import { validShareLink } from "../../../../lib/server/http/owner-access";
import { loadScenario } from "../../../../lib/server/store/scenarios";
import { TcoApp } from "../../tco-app";
import { pageMetadata } from "../../../components/page-metadata";

export const dynamic = "force-dynamic";
export const metadata = pageMetadata({ title: "Shared offload what-if · Tokenwatt", description: "A saved offload what-if scenario, read-only." });

export default async function SharedScenarioPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { id } = await params;
  const sig = (await searchParams).sig;
  if (typeof sig !== "string" || !validShareLink(`/tco/shared/${id}`, new URLSearchParams({ sig }), ownerCredential(serverDataDir()))) notFound();
  const { db } = await serverContext();
  const s = await loadScenario(db, id);
  const v = s ? validateInputs(upgradeInputs(s.inputs as Record<string, unknown>)) : null;
  if (!s || !v?.ok) notFound();
  const raw: Record<string, string> = Object.fromEntries(Object.entries(v.inputs).map(([k, x]) => [k, String(x)]));
  return (
    <>
      <h1>Offload what-if: data center to devices</h1>
      <p className="notice">
        Scenario: {s.name} (read-only link; saved {s.createdAt instanceof Date ? s.createdAt.toISOString().slice(0, 10) : ""}). Changes you try here are not saved.
      </p>
      <TcoApp initialRaw={raw} baseInputs={v.inputs} measured={null} measuredCurves={[]} scenarioName={s.name} readOnly />
    </>
  );
}
