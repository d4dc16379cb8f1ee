/**
 * A browser run as a submission of the shared contract: the device as the browser can describe it
 * (user agent, client hints, WebGPU adapter), or, under `tokenwatt bench-browser`, the native
 * runner's probe of the same machine, so native and browser results land on one device.
 */
import type { Device, EngineInfo, Fingerprint, ModelInfo, Submission, WebGpuInfo, WorkloadResult } from "../../lib/core/contracts/submission";
import { buildSubmission } from "../../lib/core/measure/build-submission";
import type { WebGpuProbe } from "./webgpu-bench";

/** A v4 UUID; crypto.randomUUID exists only in secure contexts (a phone on http://LAN has none). */
export function newSubmissionId(): string {
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export interface UaInfo {
  platform: string;
  platformVersion: string | null;
  architecture: string | null;
  model: string | null;
  mobile: boolean;
  browser: string;
}

/** Reads the user agent (and client hints where Chromium offers them). */
export async function userAgentInfo(): Promise<UaInfo> {
  const ua = navigator.userAgent;
  const data = (navigator as Navigator & { userAgentData?: { mobile: boolean; platform: string; brands: { brand: string; version: string }[]; getHighEntropyValues(h: string[]): Promise<Record<string, string>> } }).userAgentData;
  const high = data ? await data.getHighEntropyValues(["architecture", "model", "platformVersion"]).catch(() => ({}) as Record<string, string>) : {};
  const platform = data?.platform || (/Android/.test(ua) ? "Android" : /iPhone|iPad|iOS/.test(ua) ? "iOS" : /Mac OS X/.test(ua) ? "macOS" : /Windows/.test(ua) ? "Windows" : /CrOS/.test(ua) ? "ChromeOS" : /Linux/.test(ua) ? "Linux" : "unknown");
  const brand = data?.brands.find((b) => !/Not.A.Brand|Chromium/i.test(b.brand)) ?? data?.brands[0];
  const browser = brand ? `${brand.brand} ${brand.version}` : /Firefox\/(\d+)/.exec(ua)?.[0] ?? /Version\/(\d+).*Safari/.exec(ua)?.[0] ?? "browser";
  return {
    platform,
    platformVersion: high.platformVersion || null,
    architecture: high.architecture || null,
    model: high.model || null,
    mobile: data?.mobile ?? /Mobi|iPhone|Android/.test(ua),
    browser,
  };
}

export function browserDevice(probe: WebGpuProbe, ua: UaInfo, backend: "wasm" | "webgpu", availableBackends: ("wasm" | "webgpu")[]): Device {
  const a = probe.adapter;
  const threads = Math.max(1, probe.hints.hardwareConcurrency ?? 1);
  return {
    vendor: "unknown",
    model: ua.model || `${ua.platform} ${ua.mobile ? "phone" : "computer"} (${ua.browser})`,
    name: null,
    memoryModules: null,
    deviceClass: ua.mobile ? (/iPad|Tablet/i.test(probe.hints.userAgent) ? "tablet" : "phone") : "unknown",
    os: { platform: ua.platform.toLowerCase(), release: ua.platformVersion ?? "unknown", distro: null },
    // Browsers expose neither the CPU model nor the physical core count.
    cpu: { vendor: null, model: `${ua.architecture ?? "unknown"} CPU (not exposed to the browser)`, cores: threads, threads, flags: [], llcBytes: null },
    // Unknown: navigator.deviceMemory is rounded down to a power of two and capped at 8 GiB (and
    // missing in Safari and Firefox), so it is shown on /run as a hint but not stored as the RAM.
    ramBytes: null,
    gpus: a && backend === "webgpu" ? [{ vendor: a.vendor || "unknown", model: a.description || a.architecture || "WebGPU adapter", vramBytes: null, driver: null }] : [],
    backend,
    availableBackends,
    battery: null,
    memoryBandwidthGBps: null,
    memoryBandwidthMethod: null,
    deviceMemoryBandwidth: null,
  };
}

export interface BrowserRunParts {
  submissionId: string;
  startedAt: string;
  finishedAt: string;
  device: Device;
  engine: EngineInfo;
  model: ModelInfo;
  threads: number | null;
  contextSize: number;
  repetitions: number;
  workloads: WorkloadResult[];
  fingerprint?: Fingerprint | null;
  webgpu?: WebGpuInfo | null;
}

export function buildBrowserSubmission(p: BrowserRunParts): Submission {
  return buildSubmission({
    submissionId: p.submissionId,
    runner: { name: "tokenwatt-browser" },
    startedAt: p.startedAt,
    finishedAt: p.finishedAt,
    device: p.device,
    engine: p.engine,
    model: p.model,
    options: { threads: p.threads, contextSize: p.contextSize, repetitions: p.repetitions },
    workloads: p.workloads,
    fingerprint: p.fingerprint ?? null,
    webgpu: p.webgpu ?? null,
  });
}
