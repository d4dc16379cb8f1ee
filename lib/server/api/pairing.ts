/**
 * POST /api/v1/pairing-codes: a code and its QR code for a phone to open /run and upload one
 * submission. On the owner's dashboard (TOKENWATT_PUBLIC unset) anyone who can open the dashboard
 * may create one, as they can see its private results; on a public server an admin token is needed.
 */
import os from "node:os";
import QRCode from "qrcode";
import { z } from "zod";
import { toFieldIssues } from "../../core/contracts/submission";
import type { Db } from "../db/client";
import { createPairingCode, DEFAULT_PAIRING_TTL_S } from "../store/pairing";
import { showPrivate } from "../read/runs";
import { authenticate } from "../store/tokens";
import { apiError, guarded, readJson } from "../http/http";

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

export function handlePairingCreate(req: Request, db: Db): Promise<Response> {
  return guarded(async () => {
    if (!showPrivate()) {
      const auth = await authenticate(db, req.headers.get("authorization"));
      if (!auth.ok || auth.role !== "admin") {
        return apiError(auth.ok ? 403 : 401, "admin_required", "on a public server, pairing codes need an admin token");
      }
    }
    const raw = req.headers.get("content-length") === "0" || !req.body ? {} : await readJson(req, 10_000);
    const body = bodySchema.safeParse(raw);
    if (!body.success) return apiError(400, "invalid_request", "invalid pairing request", toFieldIssues(body.error.issues));
    const ttl = body.data.ttlSeconds ?? DEFAULT_PAIRING_TTL_S;
    const { code, expiresAt } = await createPairingCode(db, ttl);
    const { origin, loopbackOnly } = phoneOrigin(req.url);
    const runUrl = `${origin}/run?pair=${code}`;
    const qrSvg = await QRCode.toString(runUrl, { type: "svg", errorCorrectionLevel: "M", margin: 2 });
    return Response.json(
      { code, expiresAt: expiresAt.toISOString(), ttlSeconds: ttl, runUrl, qrSvg, loopbackOnly },
      { status: 201, headers: { "cache-control": "no-store" } },
    );
  });
}
