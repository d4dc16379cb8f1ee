import type { NextConfig } from "next";
import { serverEnv } from "./lib/server/env";

// Fail at start, with a clear message, on a bad configuration.
serverEnv();

const nextConfig: NextConfig = {
  // Native and WASM packages are loaded by Node at run time, not bundled.
  serverExternalPackages: [
    "@electric-sql/pglite",
    "postgres",
    "node-llama-cpp",
    "systeminformation",
  ],
  poweredByHeader: false,
  // The pages' forms (publish, hide, rename, queue a suite) send a few hundred bytes: a 1 MB action
  // post is refused before it is parsed (security review: anonymous action posts sat outside the
  // API's parse budget).
  experimental: { serverActions: { bodySizeLimit: "16kb" } },
  // The browser runner needs cross-origin isolation for WebAssembly threads (wllama runs one
  // thread without it); everything /run loads is same-origin.
  async headers() {
    return [
      {
        source: "/run",
        headers: [
          { key: "Cross-Origin-Opener-Policy", value: "same-origin" },
          { key: "Cross-Origin-Embedder-Policy", value: "require-corp" },
        ],
      },
    ];
  },
};

export default nextConfig;
