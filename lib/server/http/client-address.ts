/**
 * Who a request comes from, for per-address limits (security review N8; issue 30 item 7):
 * - `X-Forwarded-For` is believed only from a peer listed in TOKENWATT_TRUSTED_PROXIES (a reverse
 *   proxy of this deployment); anyone else could write any address there. Behind trusted proxies the
 *   client is the right-most address that is not one of them.
 * - An IPv6 client is limited per /64 (one host gets a whole /64 and can pick any address in it).
 */
import net from "node:net";

/** "::ffff:192.0.2.1" (an IPv4 client on a dual-stack socket) is 192.0.2.1. */
function normalize(ip: string): string | null {
  const v = ip.trim().toLowerCase().replace(/^\[|\]$/g, "");
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(v);
  if (mapped) return mapped[1]!;
  return net.isIP(v) ? v : null;
}

export function clientAddress(peer: string | null, forwardedFor: string | null, trustedProxies: readonly string[]): string | null {
  const p = peer == null ? null : normalize(peer);
  const trusted = new Set(trustedProxies.map(normalize).filter((x): x is string => x != null));
  if (p == null || !trusted.has(p) || !forwardedFor) return p;
  const hops = forwardedFor.split(",").map(normalize);
  for (let i = hops.length - 1; i >= 0; i--) {
    const h = hops[i];
    if (h == null) return p; // a hop that is not an address: believe only the peer
    if (!trusted.has(h)) return h;
  }
  return p;
}

/** The key a per-address limit counts under: an IPv4 address, or an IPv6 address's /64. */
export function addressKey(ip: string | null): string {
  if (ip == null) return "unknown";
  if (net.isIPv4(ip)) return ip;
  if (!net.isIPv6(ip)) return "unknown";
  // Expand "2001:db8::1" to its 8 groups and keep the first 4.
  const [head, tail] = ip.includes("::") ? ip.split("::") : [ip, null];
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  const groups = tail == null ? left : [...left, ...Array(8 - left.length - right.length).fill("0"), ...right];
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ""))
    .join(":")}::/64`;
}
