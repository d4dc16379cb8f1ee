/**
 * What the lines llama.cpp prints before a llama-bench table say about the machine (pure): the GPUs
 * each backend found, the CPU, and the build line. People paste these with their tables, e.g.
 *
 *   ggml_cuda_init: found 1 CUDA devices:            (ROCm and MUSA builds say "ROCm", "MUSA")
 *     Device 0: NVIDIA GeForce RTX 4090, compute capability 8.9, VMM: yes
 *   ggml_vulkan: 0 = AMD Radeon RX 580 Series (RADV POLARIS10) (radv) | uma: 0 | fp16: 0 | ...
 *   ggml_metal_init: found device: Apple M2 Max      (newer: "ggml_metal_device_init: GPU name:   MTL0 (Apple M4)")
 *   | 0|[level_zero:gpu:0]|  Intel(R) Arc(TM) A770 Graphics|  1.3| ...      (SYCL's device table)
 *   register_device: registered device CPU (12th Gen Intel(R) Core(TM) i7-1260P)
 *   build: e598697d (4696)
 */

export interface GgmlMachine {
  /** GPU names in the order the backends listed them (one per device index). */
  gpus: string[];
  cpu: string | null;
}

export interface BuildLine {
  commit: string;
  number: number | null;
  /** Character offset of the line in the text (tables take the build line nearest after them). */
  at: number;
}

/** Driver details that Vulkan and Metal append in parentheses ("(RADV NAVI31) (radv)", "MTL0 (...)"). */
function tidyGpuName(name: string): string {
  const metal = /^MTL\d+\s*\((.+)\)$/.exec(name.trim());
  if (metal) return metal[1]!.trim();
  return name.replace(/(\s*\([^()]*\))+\s*$/, "").trim() || name.trim();
}

export function machineFromLog(text: string): GgmlMachine {
  const byIndex = new Map<string, string>();
  const add = (key: string, name: string) => {
    if (!byIndex.has(key)) byIndex.set(key, tidyGpuName(name));
  };
  for (const line of text.split(/\r?\n/)) {
    let m: RegExpExecArray | null;
    // CUDA, ROCm, MUSA (ggml_cuda_init / ggml_init_cublas device list), with or without the header line.
    if ((m = /^\s*Device (\d+): ([^,]+),/.exec(line))) add(`cuda${m[1]}`, m[2]!);
    else if ((m = /ggml_vulkan: (\d+) = (.+?)\s*\|/.exec(line)) || (m = /^\s*Vulkan(\d+): (.+?)\s*\|/.exec(line))) add(`vk${m[1]}`, m[2]!);
    else if ((m = /ggml_metal(?:_device)?_init: (?:found device|GPU name):\s+(.+?)\s*$/.exec(line))) add("metal", m[1]!);
    else if ((m = /^\s*\|\s*(\d+)\|\s*\[level_zero:gpu:\d+\]\|\s*([^|]+?)\s*\|/.exec(line))) add(`sycl${m[1]}`, m[2]!);
  }
  const cpu = /registered device CPU \((.+)\)\s*$/m.exec(text)?.[1]?.trim() ?? null;
  return { gpus: [...byIndex.values()], cpu };
}

/** Every "build: <commit> (<number>)" line (llama-bench's footer; other tools print "<number> (<commit>)"). */
export function buildLines(text: string): BuildLine[] {
  const out: BuildLine[] = [];
  for (const m of text.matchAll(/\bbuild(?::| =) ([0-9a-f]{4,40}|\d+) \(([0-9a-f]{4,40}|\d+)\)/g)) {
    const [a, b] = [m[1]!, m[2]!];
    const aIsNumber = /^\d+$/.test(a) && !/^\d+$/.test(b) ? true : /^\d+$/.test(b) ? false : a.length < b.length;
    out.push(aIsNumber ? { commit: b, number: Number(a), at: m.index } : { commit: a, number: /^\d+$/.test(b) ? Number(b) : null, at: m.index });
  }
  return out;
}

/** A GPU's vendor from its name (for device.gpus); "unknown" where the name does not say. */
export function gpuVendor(name: string): string {
  const rules: [RegExp, string][] = [
    [/nvidia|geforce|quadro|tesla|\brtx\b|\bgtx\b/i, "NVIDIA"],
    [/\bamd\b|radeon|instinct/i, "AMD"],
    [/intel|\barc\b|iris/i, "Intel"],
    [/apple/i, "Apple"],
    [/\bmali\b/i, "ARM"],
    [/adreno|qualcomm/i, "Qualcomm"],
    [/\bv3d\b|videocore/i, "Broadcom"],
    [/moore threads|\bmtt\b/i, "Moore Threads"],
    [/ascend/i, "Huawei"],
  ];
  return rules.find(([re]) => re.test(name))?.[1] ?? "unknown";
}
