import { serverEnv } from "../../lib/server/env";
import { isPublic } from "../../lib/server/access/mode";
import { BrowserRunner } from "./browser-runner";
import { PairPanel } from "./pair-panel";

export const metadata = { title: "Benchmark this browser · Tokenwatt" };
export const dynamic = "force-dynamic";

export default function RunPage() {
  const ownerMode = !isPublic();
  return (
    <>
      <h1>Benchmark this device in the browser</h1>
      <p className="lede">
        Runs the suite&apos;s LLM workloads (the same ids as the native runner) with llama.cpp in WebAssembly (wllama) on a GGUF file this
        server hosts, or with web-llm on WebGPU; probes WebGPU and measures this device&apos;s roofline. Results upload with a pairing code.
      </p>
      <BrowserRunner webLlmBaseUrl={serverEnv().TOKENWATT_WEBLLM_BASE_URL} ownerMode={ownerMode} />
      {ownerMode && <PairPanel />}
    </>
  );
}
