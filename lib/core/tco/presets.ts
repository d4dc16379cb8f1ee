/** Scenario presets. */
import { defaultInputs, type TcoInputs } from "./model";

/**
 * "Tirias 2028" reproduces the published claim exactly: 20% of GenAI processing moved off a $76B,
 * 4.0 GW data-center baseline saves $15.2B and 800 MW (linear scaling, no fallback, no hybrid).
 */
export function tiriasPreset(): TcoInputs {
  return { ...defaultInputs(), mode: "topDown", baseYear: 2028, year: 2028, offloadShare: 0.2, onDeviceFraction: 1, cloudFallbackRate: 0, dcCostUsd: 76e9, dcPowerMw: 4000 };
}

/**
 * Bottom-up preset: demand from users, device energy per token from measured results when the
 * caller has them (median decode J/token at the wall-side scope), else the reported phone figure.
 */
export function bottomUpPreset(measuredDeviceJPerToken: number | null): TcoInputs {
  const i = { ...defaultInputs(), mode: "bottomUp" as const };
  if (measuredDeviceJPerToken != null && measuredDeviceJPerToken > 0) i.deviceJPerToken = measuredDeviceJPerToken;
  return i;
}

export const PRESETS = { tirias2028: tiriasPreset, bottomUp: () => bottomUpPreset(null) } as const;
