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
    "pg-boss",
  ],
  poweredByHeader: false,
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
