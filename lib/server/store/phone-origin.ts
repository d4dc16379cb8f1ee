/** Where a phone on this network reaches the server (for pairing codes' links and QR codes). */
import os from "node:os";

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
