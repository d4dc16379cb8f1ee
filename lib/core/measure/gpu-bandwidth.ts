/**
 * GPU memory bandwidth as the vendor reports it (pure): the roofline's ceiling on a GPU backend when
 * it is not measured. Labelled "reported" with its source wherever it is shown; a GPU not listed
 * here has no figure unless the user gives one (`--gpu-bandwidth GBps`, with its source).
 */
import type { Device } from "../contracts/submission";

export const REPORTED_GPU_BANDWIDTH: { match: RegExp; gbps: number; source: string }[] = [
  { match: /\bH200\b/i, gbps: 4800, source: "NVIDIA H200 Tensor Core GPU datasheet (4.8 TB/s HBM3e)" },
  { match: /\bH100\b.*\b(SXM|HBM3)\b/i, gbps: 3350, source: "NVIDIA H100 Tensor Core GPU datasheet, SXM (3.35 TB/s)" },
  { match: /\bH100\b.*\bPCIe\b/i, gbps: 2000, source: "NVIDIA H100 Tensor Core GPU datasheet, PCIe (2 TB/s)" },
  { match: /\bA100\b.*\b80GB\b/i, gbps: 2039, source: "NVIDIA A100 Tensor Core GPU datasheet, 80GB SXM (2,039 GB/s)" },
  { match: /\bL4\b/i, gbps: 300, source: "NVIDIA L4 Tensor Core GPU datasheet (300 GB/s)" },
  { match: /\bRTX 4090\b/i, gbps: 1008, source: "NVIDIA GeForce RTX 4090 specifications (1,008 GB/s)" },
];

/** The reported bandwidth of the first listed GPU whose name matches, or null. */
export function reportedGpuBandwidth(gpus: readonly { model: string }[]): Device["deviceMemoryBandwidth"] {
  for (const g of gpus) {
    const hit = REPORTED_GPU_BANDWIDTH.find((r) => r.match.test(g.model));
    if (hit) return { gbps: hit.gbps, source: "reported", note: `${g.model}: ${hit.source}` };
  }
  return null;
}
