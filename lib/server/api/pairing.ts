/**
 * POST /api/v1/pairing-codes: a code and its QR code for a phone to open /run and upload one
 * submission. On the owner's dashboard (TOKENWATT_PUBLIC unset) anyone who can open the dashboard
 * may create one, as they can see its private results; on a public server an admin token is needed.
 */
import os from "node:os";
import QRCode from "qrcode";
import { z } from "zod";
import { createPairingCode, DEFAULT_PAIRING_TTL_S } from "../store/pairing";
import { readBody } from "../http/body";
import { ownerOrAdmin } from "../http/owner-session";
import type { Handler, ServerDeps } from "../http/deps";
import { BODY_LIMITS } from "../env";

const bodySchema = z.object({ ttlSeconds: z.int().min(10).max(86_400).optional() }).strict();

/** Non-loopback IPv4 addresses: what a phone on the same network can reach. */
export function lanAddresses(): string[] {
  return Object.values(os.networkInterfaces())
    .flat()
    .filter((a): a is os.NetworkInterfaceInfo => !!a && a.family === "IPv4" && !a.internal)
    .map((a) => a.address);
}

/** The URL a phone should open: this request's origin, or a LAN address when that origin is loopback. */
export function phoneOrigin(requestUrl: string, lan = lanAddresses()): { origin: string; loopbackOnly: boolean } {
  const u = new URL(requestUrl);
  const loopback = ["localhost", "127.0.0.1", "[::1]"].includes(u.hostname);
  if (!loopback) return { origin: u.origin, loopbackOnly: false };
  if (lan[0]) return { origin: `${u.protocol}//${lan[0]}${u.port ? `:${u.port}` : ""}`, loopbackOnly: false };
  return { origin: u.origin, loopbackOnly: true };
}

/** The owner's logged-in browser (owner mode) or an admin token creates codes; nobody else. */
export const postPairingCode: Handler = (req, deps) => ownerOrAdmin(req, deps.db, () => createCode(req, deps));

async function createCode(req: Request, deps: ServerDeps): Promise<Response> {
  const body = await readBody(req, bodySchema, BODY_LIMITS.pairingBytes, true);
  const ttl = body.ttlSeconds ?? DEFAULT_PAIRING_TTL_S;
  const { code, expiresAt } = await createPairingCode(deps.db, ttl);
  const { origin, loopbackOnly } = phoneOrigin(req.url);
  const runUrl = `${origin}/run?pair=${code}`;
  const qrSvg = await QRCode.toString(runUrl, { type: "svg", errorCorrectionLevel: "M", margin: 2 });
  return Response.json({ code, expiresAt: expiresAt.toISOString(), ttlSeconds: ttl, runUrl, qrSvg, loopbackOnly }, { status: 201, headers: { "cache-control": "no-store" } });
}
