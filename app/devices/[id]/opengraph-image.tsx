/** The device page's preview image: its name and fastest tg128 and pp512, for the page's audience (404 where the page is). */
import { dbId } from "../../../lib/core/contracts/text";
import { pageAudience } from "../../../lib/server/access/audience";
import { publicReadDb } from "../../../lib/server/context";
import { headlineFigures } from "../../../lib/server/read/headline";
import { getDevice } from "../../../lib/server/read/runs";
import { OG_CONTENT_TYPE, OG_SIZE, shareFigure, shareImage } from "../../components/share-image";
import { deviceName } from "../../../lib/core/present/device-name";

export const alt = "The device's fastest measured generation and prompt speeds on Tokenwatt";
export const size = OG_SIZE;
export const contentType = OG_CONTENT_TYPE;
export const dynamic = "force-dynamic";

export default async function Image({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const parsed = dbId.safeParse(id);
  if (!/^\d{1,10}$/.test(id) || !parsed.success) return new Response("not found", { status: 404 });
  const db = await publicReadDb();
  const audience = pageAudience();
  const r = await getDevice(db, parsed.data, audience);
  if (!r) return new Response("not found", { status: 404 });
  const d = r.device;
  return shareImage({
    kind: "device",
    title: deviceName(d),
    subtitle: `${d.deviceClass} · ${d.cpuModel}`,
    figures: (await headlineFigures(db, { deviceId: d.id }, audience)).map((f) => shareFigure(f, "model")),
    empty: "No ranked tg128 or pp512 result yet",
    audience,
  });
}
