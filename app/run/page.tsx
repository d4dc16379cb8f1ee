import { BrowserRunner } from "./browser-runner";

export const metadata = { title: "Benchmark this browser · Tokenwatt" };

export default function RunPage() {
  return (
    <>
      <h1>Benchmark this device in the browser</h1>
      <p className="lede">
        Probes WebGPU (adapter, limits, features such as shader-f16) and measures this device&apos;s roofline: memory copy
        bandwidth and matrix throughput. The figures stay in this page: the LLM workloads and uploads from the browser
        are not built yet.
      </p>
      <BrowserRunner />
    </>
  );
}
