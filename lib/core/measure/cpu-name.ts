/**
 * One spelling per CPU (pure). Tools name the same processor differently: /proc/cpuinfo and
 * llama-bench's cpu_info write "13th Gen Intel(R) Core(TM) i3-1315U" or "AMD EPYC 9654 96-Core
 * Processor", systeminformation (the native probe) writes "Intel Core™ i3-1315U" or "AMD EPYC 9654",
 * Windows adds "CPU @ 3.00GHz". `cpuNameKey` folds those into one key so that one processor is one
 * device; it is an identity key (lower case), not a display name (`tidyCpuName` keeps the case).
 */

/** Trademark marks, frequency suffixes, core-count suffixes and generation prefixes, in any order. */
function stripNoise(name: string): string {
  // The marks go before NFKC, which would turn "™" into the letters "TM".
  return name
    .replace(/\((?:R|TM|C)\)|[®™©]/gi, " ")
    .normalize("NFKC")
    .replace(/\bCPU\s*@\s*[\d.]+\s*[GM]Hz\b/gi, " ")
    .replace(/@\s*[\d.]+\s*[GM]Hz\b/gi, " ")
    .replace(/\b\d+-Core Processor\b/gi, " ")
    .replace(/\b(?:\d+(?:st|nd|rd|th)\s+Gen(?:eration)?)\b/gi, " ")
    .replace(/\b(?:Processor|CPU)\s*$/gi, " ")
    .replace(/\s+/g, " ")
    .trim();
}

/** A CPU name without marks and suffixes, its case kept: "Intel Core i3-1315U". */
export function tidyCpuName(name: string): string {
  return stripNoise(name) || name.trim();
}

/** The identity key of a CPU name: tidied and case-folded ("intel core i3-1315u"). */
export function cpuNameKey(name: string): string {
  return tidyCpuName(name).toLowerCase();
}

/** Whether two spellings name the same CPU. */
export function sameCpu(a: string, b: string): boolean {
  return cpuNameKey(a) === cpuNameKey(b);
}
