import type { NextConfig } from "next";
import { loadEnv } from "./lib/env";

// Fail at start, with a clear message, on a bad configuration.
loadEnv();

const nextConfig: NextConfig = {
  // Native and WASM packages are loaded by Node at run time, not bundled.
  serverExternalPackages: [
    "@electric-sql/pglite",
    "@electric-sql/pglite-socket",
    "postgres",
    "node-llama-cpp",
    "systeminformation",
    "pg-boss",
  ],
  poweredByHeader: false,
};

export default nextConfig;
