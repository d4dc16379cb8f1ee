/**
 * Per-address limits count the right address (lib/server/http/client-address.ts): X-Forwarded-For is
 * believed from configured proxies only, and IPv6 clients count per /64.
 */
import { describe, expect, it } from "vitest";
import { addressKey, clientAddress } from "../../lib/server/http/client-address";

describe("the client's address", () => {
  it("believes X-Forwarded-For from a trusted proxy only, taking the right-most untrusted hop", () => {
    expect(clientAddress("10.0.0.2", "198.51.100.7", ["10.0.0.2"])).toBe("198.51.100.7");
    // A client that writes its own header in front of the proxy's cannot choose its address.
    expect(clientAddress("10.0.0.2", "1.2.3.4, 198.51.100.7", ["10.0.0.2"])).toBe("198.51.100.7");
    // Two proxies in a row.
    expect(clientAddress("10.0.0.2", "198.51.100.7, 10.0.0.3", ["10.0.0.2", "10.0.0.3"])).toBe("198.51.100.7");
    // An untrusted peer's header is ignored: the peer is the client.
    expect(clientAddress("203.0.113.9", "1.2.3.4", ["10.0.0.2"])).toBe("203.0.113.9");
    expect(clientAddress("203.0.113.9", "1.2.3.4", [])).toBe("203.0.113.9");
    // Garbage in the header: believe the peer.
    expect(clientAddress("10.0.0.2", "not-an-ip", ["10.0.0.2"])).toBe("10.0.0.2");
    expect(clientAddress("::ffff:192.0.2.1", null, [])).toBe("192.0.2.1");
    expect(clientAddress(null, "1.2.3.4", ["10.0.0.2"])).toBeNull();
  });

  it("counts an IPv6 client per /64 and an IPv4 client per address", () => {
    expect(addressKey("2001:db8:aa:bb::1")).toBe("2001:db8:aa:bb::/64");
    expect(addressKey("2001:db8:aa:bb:ffff:1:2:3")).toBe(addressKey("2001:db8:aa:bb::1"));
    expect(addressKey("2001:db8:aa:bc::1")).not.toBe(addressKey("2001:db8:aa:bb::1"));
    expect(addressKey("2001:0db8:0000:0001::9")).toBe("2001:db8:0:1::/64");
    expect(addressKey("::1")).toBe("0:0:0:0::/64");
    expect(addressKey("192.0.2.1")).toBe("192.0.2.1");
    expect(addressKey("192.0.2.2")).not.toBe(addressKey("192.0.2.1"));
    expect(addressKey(null)).toBe("unknown");
  });
});
