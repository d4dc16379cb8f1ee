import { redirect } from "next/navigation";
import { serverEnv } from "../../lib/server/env";
import { isPublic } from "../../lib/server/access/mode";
import { formatPairingCode, normalizePairingCode } from "../../lib/server/store/pairing";
import { siteUrl } from "../components/site-url";
import { BrowserRunner } from "./browser-runner";
import { PairPanel } from "./pair-panel";
import { PairingHelp } from "./pairing-help";
import { pageMetadata } from "../components/page-metadata";

export const metadata = pageMetadata({ title: "Benchmark this browser · Tokenwatt", description: "Run the Tokenwatt suite in this browser (wllama on WebAssembly or WebGPU, web-llm) and upload it with a pairing code.", path: "/run" });
export const dynamic = "force-dynamic";

export default async function RunPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const ownerMode = !isPublic();
  const raw = (await searchParams).pair;
  const typed = typeof raw === "string" ? raw.trim() : "";
  const code = typed ? normalizePairingCode(typed) : null;
  // A code typed by hand ("abcd efgh") goes on in the form the runner and the QR links use.
  if (code && typed !== formatPairingCode(code)) redirect(`/run?pair=${formatPairingCode(code)}`);
  // A public server lists its models to a browser with a pairing code only: without one, say how to get one.
  const needsCode = !ownerMode && !code;
  return (
    <>
      <h1>Benchmark this device in the browser</h1>
      <p className="lede">
        Runs the suite&apos;s LLM workloads (the same ids as the native runner) with llama.cpp in WebAssembly (wllama) on a GGUF file this
        server hosts, or with web-llm on WebGPU; probes WebGPU and measures this device&apos;s roofline. Results upload with a pairing code.
      </p>
      {needsCode ? (
        <PairingHelp origin={(await siteUrl()).origin} invalid={typed ? typed.slice(0, 40) : null} />
      ) : (
        <BrowserRunner webLlmBaseUrl={serverEnv().TOKENWATT_WEBLLM_BASE_URL} ownerMode={ownerMode} />
      )}
      {ownerMode && <PairPanel />}
    </>
  );
}
