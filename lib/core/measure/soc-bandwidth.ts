/**
 * Peak memory bandwidth of phone and tablet SoCs (pure), GB/s = 1e9 bytes/s: the bus width times the
 * FASTEST transfer rate the vendor says the SoC supports, so that no honest run on any phone built
 * with it is refused (a phone fitted with slower LPDDR only reads slower). The CPU, GPU and NPU of
 * these SoCs share that one LPDDR memory, so the figure bounds every backend that runs on them.
 *
 * Bus width: every SoC here has a 64-bit LPDDR5/5X/5T interface (4 channels of 16 bits), 8 bytes a
 * transfer: Geektopia derives the 8 Elite's 84.8 GB/s from it (10,600 MT/s x 8 B, URL below), and
 * reports of the next Apple phone chip's 96-bit bus call 64 bits the phone standard
 * (https://www.androidgyaan.in/apple-goes-against-the-grain-where-android-saves-it-bets-on-width/).
 * Qualcomm quotes LPDDR5X as "up to N MHz": the clock, two transfers a cycle (4,800 MHz = 9,600 MT/s).
 * Vendor pages are cited as the vendor lists them; they were not fetched from this offline machine,
 * the second URL of each row was read (a launch report quoting the vendor's figure).
 *
 * Not listed (no vendor or reputable figure found for the fastest memory): Google Tensor G2/G3/G4,
 * Samsung Exynos 2400 (8.5 Gbps only in pre-launch leaks), Apple A15-A18 Pro (Apple publishes no
 * A-series bandwidth), Snapdragon 8s Gen 3 and 8 Elite Gen 5, and suffixed variants (Dimensity
 * 9200+/9300+/9400+). They keep their class's cap.
 */

export interface SocBandwidth {
  /** Matches the SoC's marketing name or part number, and nothing else (see the tests). */
  match: RegExp;
  gbps: number;
  source: string;
}

/** GB/s of a `bits`-wide bus at `mtps` mega-transfers a second. */
const peak = (mtps: number, bits = 64) => (mtps * (bits / 8)) / 1000;

export const MOBILE_SOC_GBPS: SocBandwidth[] = [
  // "Snapdragon 8 Elite" and its "for Galaxy" bin (SM8750-AC); never "8 Elite Gen 5" (SM8850) nor "X Elite".
  {
    match: /\bSnapdragon\s*8\s*Elite\b(?!\s*Gen)|\bSM8750\b/i,
    gbps: peak(10_600),
    source:
      "Snapdragon 8 Elite (SM8750): LPDDR5X up to 5,300 MHz (10,600 MT/s) x 64 bit = 84.8 GB/s: qualcomm.com/smartphones/products/8-series/snapdragon-8-elite-mobile-platform; " +
      "https://geektopia.es/es/technology/2024/10/22/noticias/amp/qualcomm-anuncia-el-snapdragon-8-elite-para-moviles-de-gama-alta.html (84.8 GB/s)",
  },
  // "8 Gen 3" and "8 Gen 3 for Galaxy" (SM8650-AC): the same memory. "8s Gen 3" (SM8635) does not match.
  {
    match: /\bSnapdragon\s*8\s*Gen\s*3\b|\bSM8650\b/i,
    gbps: peak(9_600),
    source:
      "Snapdragon 8 Gen 3 (SM8650): LPDDR5X up to 4,800 MHz (9,600 MT/s) x 64 bit = 76.8 GB/s: qualcomm.com/smartphones/products/8-series/snapdragon-8-gen-3-mobile-platform; " +
      "https://droidholic.com/snapdragon-8-gen-3-launched/ (up to 4800MHz)",
  },
  {
    match: /\bSnapdragon\s*8\s*Gen\s*2\b|\bSM8550\b/i,
    gbps: peak(8_400),
    source:
      "Snapdragon 8 Gen 2 (SM8550): LPDDR5X up to 4,200 MHz (8,400 MT/s) x 64 bit = 67.2 GB/s: qualcomm.com/smartphones/products/8-series/snapdragon-8-gen-2-mobile-platform; " +
      "https://wccftech.com/qualcomm-snapdragon-8-gen-2-goes-official/ (up to 4,200MHz)",
  },
  // MediaTek states the transfer rate itself (Mbps a pin).
  {
    match: /\bDimensity\s*9400(?![+\w])/i,
    gbps: peak(10_667),
    source:
      "MediaTek Dimensity 9400: LPDDR5X 10,667 Mbps x 64 bit = 85.3 GB/s: mediatek.com/products/smartphones-2/mediatek-dimensity-9400; " +
      "Samsung validated its 10.7 Gbps LPDDR5X on it: https://h4ckers.news/?p=25282",
  },
  {
    match: /\bDimensity\s*9300(?![+\w])/i,
    gbps: peak(9_600),
    source:
      "MediaTek Dimensity 9300: LPDDR5T 9,600 Mbps x 64 bit = 76.8 GB/s: mediatek.com/products/smartphones-2/mediatek-dimensity-9300; " +
      "https://www.stuffindia.in/news/mediatek-dimensity-9300-soc-is-said-to-maximise-smartphone-performance-and-efficiency/2331",
  },
  {
    match: /\bDimensity\s*9200(?![+\w])/i,
    gbps: peak(8_533),
    source:
      "MediaTek Dimensity 9200: LPDDR5X 8,533 Mbps x 64 bit = 68.3 GB/s: mediatek.com/products/smartphones-2/mediatek-dimensity-9200; " +
      "https://9to5google.com/2022/11/08/mediatek-dimensity-9200/ (up to 8533Mbps)",
  },
];

/**
 * The SoC named in any of these strings (cpu.model, the device's model: Android's /proc/cpuinfo
 * "Hardware" line or ro.soc.model give a part number), or null. Where the strings name different
 * SoCs the faster one is returned: a wrong name may loosen the bound, never tighten it.
 */
export function mobileSocBandwidth(names: readonly (string | null | undefined)[]): SocBandwidth | null {
  let best: SocBandwidth | null = null;
  for (const name of names) {
    if (!name) continue;
    for (const r of MOBILE_SOC_GBPS) if (r.match.test(name) && (!best || r.gbps > best.gbps)) best = r;
  }
  return best;
}
