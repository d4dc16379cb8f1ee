/** The model page's preview image: the model and the fastest device for tg128 and pp512, for the page's audience (404 where the page is). */
import { dbId } from "../../../lib/core/contracts/text";
import { formatNumber } from "../../../lib/core/present/format";
import { pageAudience } from "../../../lib/server/access/audience";
import { publicReadDb } from "../../../lib/server/context";
import { headlineFigures } from "../../../lib/server/read/headline";
import { getModel } from "../../../lib/server/read/model-page";
import { OG_CONTENT_TYPE, OG_SIZE, shareFigure, shareImage } from "../../components/share-image";

export const alt = "The fastest devices measured with this model on Tokenwatt";
export const size = OG_SIZE;
export const contentType = OG_CONTENT_TYPE;
export const dynamic = "force-dynamic";

export default async function Image({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const parsed = dbId.safeParse(id);
  if (!/^\d{1,10}$/.test(id) || !parsed.success) return new Response("not found", { status: 404 });
  const db = await publicReadDb();
  const audience = pageAudience();
  const model = await getModel(db, parsed.data);
  const figures = model ? await headlineFigures(db, { modelId: model.id }, audience) : [];
  // As the page: a model the public sees no measurement of is not there.
  if (!model || (audience === "public" && figures.length === 0)) return new Response("not found", { status: 404 });
  return shareImage({
    kind: "model",
    title: `${model.name} ${model.quantization}`,
    subtitle: [model.parameterCount != null && `${formatNumber(model.parameterCount / 1e9, 2)}B parameters`, model.family, model.weights === "synthetic" && "synthetic weights"].filter(Boolean).join(" · "),
    figures: figures.map((f) => shareFigure(f, "device")),
    empty: "No ranked tg128 or pp512 result yet",
    audience,
  });
}
