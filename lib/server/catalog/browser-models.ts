/**
 * The GGUF files this server offers to browser runners (wllama): the models directory of the data
 * dir (synthetic models the native runner wrote, hub downloads) and TOKENWATT_MODELS_DIR. Files
 * are served by catalog id only, so no request can name a path.
 */
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import type { ModelInfo } from "../../core/contracts/submission";
import { pairingCodeOpen } from "../store/pairing";
import { identify } from "../http/auth";
import type { Handler, ServerDeps } from "../http/deps";
import { refuse } from "../http/refusals";
import { isOwnerBrowser } from "../http/owner-session";
import { serverDataDir, serverEnv } from "../env";
import { isPublic } from "../access/mode";
import { archMetadata, modelInfoFromGguf, syntheticModelInfo, type GgufHeader } from "../../core/measure/model-info";
import { apiError } from "../http/http";
import { nativeReferences } from "../read/native-reference";
import { modelKey } from "../store/ingest";
import { pageAudience } from "../access/audience";
import { addressKey } from "../http/client-address";

export interface BrowserModel {
  /** Opaque id: the first 16 hex digits of sha256(absolute path). */
  id: string;
  fileName: string;
  fileBytes: number;
  info: ModelInfo;
}

const MAX_DEPTH = 3;
function ggufFiles(dir: string, depth = 0): string[] {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((e) => {
    const p = path.join(dir, e.name);
    // Symbolic links are followed: a models directory often links files kept elsewhere.
    // An unreadable entry is skipped, never a failed catalog.
    let st: fs.Stats | fs.Dirent | undefined;
    try {
      st = e.isSymbolicLink() ? fs.statSync(p, { throwIfNoEntry: false }) : e;
    } catch {
      return [];
    }
    if (!st) return [];
    if (st.isDirectory() && depth < MAX_DEPTH) return ggufFiles(p, depth + 1);
    return st.isFile() && e.name.endsWith(".gguf") ? [p] : [];
  });
}

export function modelRoots(env = serverEnv()): string[] {
  const extra = env.TOKENWATT_MODELS_DIR.split(":").filter(Boolean);
  return [path.join(serverDataDir(), "models"), ...extra].map((d) => path.resolve(d));
}

// Describing a real GGUF reads its header and hashes it: once per file version, and concurrent
// first requests share the one description in progress.
const described = new Map<string, { stamp: string; model: Promise<BrowserModel | null> }>();

function describe(file: string, dataModels: string): Promise<BrowserModel | null> {
  const st = fs.statSync(file);
  const stamp = `${st.size}:${st.mtimeMs}`;
  const hit = described.get(file);
  if (hit?.stamp === stamp) return hit.model;
  const model = describeNow(file, dataModels, st.size);
  described.set(file, { stamp, model });
  return model;
}

async function describeNow(file: string, dataModels: string, size: number): Promise<BrowserModel | null> {
  let info: ModelInfo;
  // Named by syntheticFileName: <shape>-<quant>-layout<N>.gguf (the layout suffix since layout 2).
  const synthetic = path.dirname(file) === path.join(dataModels, "synthetic") && /^(.+)-([A-Z0-9_]+)(?:-layout\d+)?\.gguf$/.exec(path.basename(file));
  try {
    const s = synthetic ? syntheticModelInfo(`synthetic:${synthetic[1]}:${synthetic[2]}`, size) : null;
    info = s && !("error" in s) ? s : await describeGguf(file, size);
  } catch {
    return null; // not a readable GGUF (a partial download): not offered
  }
  return { id: createHash("sha256").update(file).digest("hex").slice(0, 16), fileName: path.basename(file), fileBytes: size, info };
}

/** A real GGUF's description, read from its header; its sha256 identifies the weights. */
async function describeGguf(file: string, size: number): Promise<ModelInfo> {
  const { readGgufFileInfo } = await import("node-llama-cpp");
  const gguf = await readGgufFileInfo(file, { readTensorInfo: true });
  const hash = createHash("sha256");
  for await (const chunk of fs.createReadStream(file, { highWaterMark: 8 << 20 })) hash.update(chunk);
  const header = { general: (gguf.metadata.general ?? {}) as GgufHeader["general"], tensors: gguf.fullTensorInfo ?? gguf.tensorInfo ?? [], arch: archMetadata(gguf.metadata) };
  return modelInfoFromGguf(header, { baseName: path.basename(file, ".gguf"), bytes: size, sha256: hash.digest("hex") }, "real", path.basename(file));
}

export async function listBrowserModels(roots = modelRoots()): Promise<(BrowserModel & { path: string })[]> {
  const seen = new Set<string>();
  const out: (BrowserModel & { path: string })[] = [];
  for (const root of roots) {
    for (const f of ggufFiles(root)) {
      const real = fs.realpathSync(f);
      if (seen.has(real)) continue;
      seen.add(real);
      const m = await describe(real, roots[0]!);
      if (m) out.push({ ...m, path: real });
    }
  }
  return out.sort((a, b) => a.fileBytes - b.fileBytes);
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/;

/** Whether the owner asks: an owner-mode server on loopback only, or with --lan this machine or the owner's logged-in browser. */
function ownerAsks(req: Request, clientIp: string | null): boolean {
  if (isPublic()) return false;
  if (serverEnv().TOKENWATT_LAN !== "1") return true;
  return (clientIp != null && LOOPBACK.test(clientIp)) || isOwnerBrowser(req);
}

/**
 * The owner's server on loopback only: the catalog is open (only this machine can ask). With
 * `--lan` (phones): open to this machine and the owner's logged-in browser; a phone on the LAN needs
 * the live pairing code of its /run?pair= link, as on a public server. On a public server: a live
 * pairing code (`?pair=`) or a token, not anyone who asks.
 */
async function catalogRefusal(req: Request, deps: ServerDeps, clientIp: string | null): Promise<Response | null> {
  if (ownerAsks(req, clientIp)) return null;
  if (req.headers.get("authorization")) {
    const who = await identify(req, deps.db);
    return who.ok ? null : who.refusal;
  }
  const pair = new URL(req.url).searchParams.get("pair");
  if (pair) {
    // Each check is an oracle for guessing codes: budgeted per client address.
    const wait = await deps.limiter.take(`pair-check:${addressKey(clientIp)}`);
    if (wait > 0) return refuse("rate_limited", `too many pairing-code checks; retry in ${wait} s`, { "retry-after": String(wait) });
    if (await pairingCodeOpen(deps.db, pair)) return null;
  }
  return refuse("pairing_required");
}

export const getModelList: Handler = async (req, deps, _params, info) => {
  const refused = await catalogRefusal(req, deps, info.clientIp);
  if (refused) return refused;
  const listed = (await listBrowserModels()).map(({ path: _p, ...m }) => m);
  // Native llama.cpp's figures on the same file: the /run page shows each browser engine's tax.
  // The owner's own private runs are references for the owner; a paired phone (someone the owner gave
  // a code) or a token's holder sees the published ones, as on a public server.
  const refs = await nativeReferences(deps.db, listed.map((m) => modelKey(m.info)), ownerAsks(req, info.clientIp) ? pageAudience() : "public");
  const models = listed.map((m) => ({ ...m, native: refs.get(modelKey(m.info)) ?? [] }));
  return Response.json({ models }, { headers: { "cache-control": "no-store" } });
};

/** Streams a file with a validator, so a browser that has it revalidates instead of downloading. */
export function serveFile(req: Request, file: string, contentType: string): Response {
  let st: fs.Stats;
  try {
    st = fs.statSync(file);
  } catch {
    return apiError(404, "not_found", "file not found");
  }
  const etag = `"${st.size.toString(16)}-${Math.floor(st.mtimeMs).toString(16)}"`;
  const headers = {
    "content-type": contentType,
    etag,
    "cache-control": "private, no-cache",
    // The /run page is cross-origin isolated (for wasm threads): same-origin resources only.
    "cross-origin-resource-policy": "same-origin",
  };
  if (req.headers.get("if-none-match") === etag) return new Response(null, { status: 304, headers });
  return new Response(Readable.toWeb(fs.createReadStream(file)) as ReadableStream, {
    headers: { ...headers, "content-length": String(st.size) },
  });
}

export const getModelFile: Handler = async (req, deps, { id }, info) => {
  const refused = await catalogRefusal(req, deps, info.clientIp);
  if (refused) return refused;
  if (!/^[0-9a-f]{16}$/.test(id!)) return apiError(400, "invalid_id", "model ids are 16 hex digits (see /api/v1/browser/models)");
  const m = (await listBrowserModels()).find((x) => x.id === id);
  if (!m) return apiError(404, "unknown_model", `no model with id ${id} on this server (see /api/v1/browser/models)`);
  return serveFile(req, m.path, "application/octet-stream");
};

/** wllama's WebAssembly build, from the installed package. */
export function wllamaWasmPath(): string {
  return path.join(/* turbopackIgnore: true */ process.cwd(), "node_modules", "@wllama", "wllama", "esm", "wasm", "wllama.wasm");
}

export const getWllamaWasm: Handler = async (req) => serveFile(req, wllamaWasmPath(), "application/wasm");

/** web-llm artifacts hosted by this server: TOKENWATT_DATA_DIR/webllm/<path>. */
/**
 * web-llm's artifacts, gated as the GGUF catalog is (security review N9): web-llm builds every
 * artifact URL from one base, so a phone's pairing code travels in the path
 * (`/api/v1/browser/webllm/pair/<CODE>/<artifact>`), not in a query it would drop. A link inside the
 * artifacts folder is followed only to a file that is still inside it.
 */
export const getWebLlmFile: Handler = async (req, deps, { rest }, info) => {
  let parts: string[];
  try {
    parts = rest!.split("/").map((p) => decodeURIComponent(p));
  } catch {
    return apiError(400, "invalid_path", "invalid artifact path (malformed percent-encoding)");
  }
  let gated = req;
  if (parts[0] === "pair" && parts.length > 2) {
    const u = new URL(req.url);
    u.searchParams.set("pair", parts[1]!);
    gated = new Request(u, { headers: req.headers });
    parts = parts.slice(2);
  }
  const refused = await catalogRefusal(gated, deps, info.clientIp);
  if (refused) return refused;
  const root = path.resolve(serverDataDir(), "webllm");
  const file = path.resolve(root, ...parts);
  if (!file.startsWith(root + path.sep) || parts.some((p) => p === ".." || p.includes("\0"))) {
    return apiError(400, "invalid_path", "invalid artifact path");
  }
  if (!fs.existsSync(file) || !fs.statSync(file).isFile()) {
    return apiError(404, "not_found", `no web-llm artifact ${parts.join("/")} on this server`);
  }
  let real: string;
  try {
    real = fs.realpathSync(file);
  } catch {
    return apiError(404, "not_found", `no web-llm artifact ${parts.join("/")} on this server`);
  }
  if (!real.startsWith(fs.realpathSync(root) + path.sep)) return apiError(404, "not_found", `no web-llm artifact ${parts.join("/")} on this server`);
  const type = file.endsWith(".wasm") ? "application/wasm" : file.endsWith(".json") ? "application/json" : "application/octet-stream";
  return serveFile(req, file, type);
};
