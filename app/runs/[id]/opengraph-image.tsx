/** The run page's preview image: model on device and the run's tg128 and pp512 medians, for the page's audience (404 where the page is). */
import { pageAudience } from "../../../lib/server/access/audience";
import { publicReadDb } from "../../../lib/server/context";
import { HEADLINE_WORKLOADS, formatTs } from "../../../lib/server/read/headline";
import { getRun } from "../../../lib/server/read/runs";
import { OG_CONTENT_TYPE, OG_SIZE, shareImage } from "../../components/share-image";
import { deviceName } from "../../../lib/core/present/device-name";

export const alt = "One benchmark run's generation and prompt speeds on Tokenwatt";
export const size = OG_SIZE;
export const contentType = OG_CONTENT_TYPE;
export const dynamic = "force-dynamic";

export default async function Image({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const audience = pageAudience();
  const run = await getRun(await publicReadDb(), id, audience);
  if (!run) return new Response("not found", { status: 404 });
  const { sub, device, model, engine } = run;
  const figures = HEADLINE_WORKLOADS.flatMap((wid) => {
    const w = run.workloads.find((x) => x.workloadId === wid && x.status === "ok" && x.medianTokensPerSec != null);
    return w ? [{ label: `${wid} ${wid.startsWith("tg") ? "generation" : "prompt"}`, value: `${formatTs(w.medianTokensPerSec!)} t/s`, note: `median of ${w.samplesNs.length} repetitions${w.plausible ? "" : " · flagged"}` }] : [];
  });
  return shareImage({
    kind: "run",
    title: `${model.name} ${model.quantization} on ${deviceName(device)}`,
    subtitle: `${engine.name} ${engine.version} · ${sub.backend} · ${sub.startedAt.toISOString().slice(0, 10)}${model.weights === "synthetic" ? " · synthetic weights" : ""}`,
    figures,
    empty: "This run has no tg128 or pp512",
    audience,
  });
}
