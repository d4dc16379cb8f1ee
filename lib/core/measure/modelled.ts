/**
 * Modelled CPU energy (pure), for a device with no power sensor at all: the tier below every
 * measurement, labelled "modelled", shown with its range and never ranked with measured energy.
 *
 * The model is Cloud Carbon Footprint's compute estimate, linear in CPU utilisation u (0..1):
 *   P = threads x (minW + u x (maxW - minW))
 * with minW and maxW per hardware thread (vCPU), derived by CCF from SPECpower results. The central
 * figure uses CCF's average over the micro-architectures it knows (MIN_WATTS_AVG 0.74, MAX_WATTS_AVG
 * 3.54); the range is the lowest and highest power any of those micro-architectures gives at the
 * same utilisation (AMD EPYC 3rd gen 0.45-2.02 W at the low end, Sandy Bridge 2.17-8.58 W and Ivy
 * Bridge 3.04-8.25 W at the high end). Source: cloud-carbon-footprint, packages/azure/src/domain/
 * AzureFootprintEstimationConstants.ts (trunk), and its methodology page
 * (https://www.cloudcarbonfootprint.org/docs/methodology). The utilisation is measured (the
 * operating system's CPU times over the same window); the watts are not.
 */

export interface CpuPowerCoefficients {
  /** W per hardware thread at 0% utilisation. */
  minW: number;
  /** W per hardware thread at 100% utilisation. */
  maxW: number;
}

/** CCF's per-micro-architecture coefficients (W per vCPU), as its Azure constants file lists them. */
export const CCF_CPU_COEFFICIENTS: Readonly<Record<string, CpuPowerCoefficients>> = {
  "Cascade Lake": { minW: 0.64, maxW: 3.97 },
  Skylake: { minW: 0.65, maxW: 4.26 },
  Broadwell: { minW: 0.71, maxW: 3.69 },
  Haswell: { minW: 1, maxW: 4.74 },
  "Coffee Lake": { minW: 1.14, maxW: 5.42 },
  "Sandy Bridge": { minW: 2.17, maxW: 8.58 },
  "Ivy Bridge": { minW: 3.04, maxW: 8.25 },
  "AMD EPYC 1st gen": { minW: 0.82, maxW: 2.55 },
  "AMD EPYC 2nd gen": { minW: 0.47, maxW: 1.69 },
  "AMD EPYC 3rd gen": { minW: 0.45, maxW: 2.02 },
};

/** CCF's fallback when the micro-architecture is unknown (MIN_WATTS_AVG, MAX_WATTS_AVG). */
export const CCF_CPU_AVERAGE: CpuPowerCoefficients = { minW: 0.74, maxW: 3.54 };

export function modelledPowerW(threads: number, utilisation: number, c: CpuPowerCoefficients = CCF_CPU_AVERAGE): number {
  const u = Math.min(1, Math.max(0, utilisation));
  return threads * (c.minW + u * (c.maxW - c.minW));
}

/**
 * The range of a modelled energy: the model is linear in u, so the window's mean utilisation
 * follows from its central energy and length; the range is the lowest and highest energy any CCF
 * micro-architecture gives at that utilisation.
 */
export function modelledRangeJ(energyJ: number, durationS: number, threads: number): [number, number] {
  if (!(durationS > 0) || !(threads > 0)) return [energyJ, energyJ];
  const meanW = energyJ / durationS;
  const u = (meanW / threads - CCF_CPU_AVERAGE.minW) / (CCF_CPU_AVERAGE.maxW - CCF_CPU_AVERAGE.minW);
  const powers = Object.values(CCF_CPU_COEFFICIENTS).map((c) => modelledPowerW(threads, u, c));
  return [Math.min(...powers) * durationS, Math.max(...powers) * durationS];
}

/** Busy fraction of all hardware threads between two snapshots of cumulative CPU times (ms). */
export function utilisationBetween(a: { busyMs: number; totalMs: number }, b: { busyMs: number; totalMs: number }): number | null {
  const total = b.totalMs - a.totalMs;
  if (!(total > 0)) return null;
  return Math.min(1, Math.max(0, (b.busyMs - a.busyMs) / total));
}
