/**
 * A pairing code for a phone (the dashboard's Run page, POST /api/v1/pairing-codes): it opens /run
 * with the code and uploads one submission. The owner (their logged-in browser or CLI) or an admin.
 */
import QRCode from "qrcode";
import { z } from "zod";
import { authorize } from "../access/policy";
import { BODY_LIMITS } from "../env";
import { createPairingCode, DEFAULT_PAIRING_TTL_S, MAX_PAIRING_TTL_S } from "../store/pairing";
import { phoneOrigin } from "../store/phone-origin";
import { operation } from "./operation";

export const createPairing = operation({
  permission: "pair",
  input: z.object({ ttlSeconds: z.int().min(10).max(MAX_PAIRING_TTL_S).optional() }).strict(),
  http: { method: "POST", path: "/api/v1/pairing-codes", status: 201, bodyLimit: BODY_LIMITS.pairingBytes },
  async run(ctx, caller, { ttlSeconds }) {
    authorize(caller, "pair");
    const ttl = ttlSeconds ?? DEFAULT_PAIRING_TTL_S;
    const { code, expiresAt } = await createPairingCode(ctx.db, ttl);
    // The URL a phone opens: the request's origin, or this machine's LAN address when that is loopback.
    const { origin, loopbackOnly } = phoneOrigin(ctx.requestUrl ?? "http://localhost/");
    const runUrl = `${origin}/run?pair=${code}`;
    const qrSvg = await QRCode.toString(runUrl, { type: "svg", errorCorrectionLevel: "M", margin: 2 });
    return { code, expiresAt: expiresAt.toISOString(), ttlSeconds: ttl, runUrl, qrSvg, loopbackOnly };
  },
});
