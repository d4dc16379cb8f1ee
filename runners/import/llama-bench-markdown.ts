/**
 * llama-bench's markdown table, as people paste it in issues (pure): `| model | size | params |
 * backend | ngl | ... | test | t/s |`, with tests written `pp512`, `tg128`, `pp512+tg128`, `tg128 @
 * d4096` (earlier versions: `pp 512`, `tg 128`) and t/s as `123.45 ± 1.23`. Also read: tables copied
 * from a rendered page (no outer pipes, `-- | --` separator), earlier column layouts (`n_prompt`,
 * `n_gen`), and a ± that an encoding turned into `_` or `?`. A table has no file name, run time or
 * repetitions: its rows are summaries, imported as such (see the contract's aggregateSchema).
 * Each table takes the build line printed after it (llama-bench's footer), else one before it.
 */
import { buildLines } from "./ggml-log";

export type TableRow = Record<string, string | number | boolean | null>;

export class TableError extends Error {}

/** Display names → llama-bench's field names (llama-bench.cpp get_field_display_name, and earlier headers). */
const COLUMNS: Record<string, string> = {
  model: "model_type", size: "model_size", params: "model_n_params", backend: "backends", ngl: "n_gpu_layers", n_gpu_layers: "n_gpu_layers",
  threads: "n_threads", th: "n_threads", n_threads: "n_threads", sm: "split_mode", nkvo: "no_kv_offload", fa: "flash_attn", lm: "load_mode",
  mmap: "use_mmap", embd: "embeddings", nopo: "no_op_offload", noh: "no_host", dev: "devices", ts: "tensor_split", ot: "tensor_buft_overrides",
  fitt: "fit_target", fitc: "fit_min_ctx", mmq: "mul_mat_q",
};
const INT_FIELDS = new Set(["n_gpu_layers", "n_threads", "n_batch", "n_ubatch", "n_cpu_moe", "main_gpu", "poll", "no_op_offload", "fit_target", "fit_min_ctx", "flash_attn", "n_prompt", "n_gen"]);
const BOOL_FIELDS = new Set(["no_kv_offload", "use_mmap", "embeddings", "no_host", "cpu_strict"]);

const cellsOf = (line: string) =>
  line
    .trim()
    .replace(/^\|/, "")
    .replace(/\|$/, "")
    .split("|")
    .map((c) => c.trim());
/** `| ---: | -: |` (llama-bench pads to the column width: a 1-wide column is `-:`), or `-- | --` from a rendered page. */
const isSeparator = (line: string) => /^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)+\|?\s*$/.test(line);

/** "1.87 GiB" → bytes (rounded as printed: to 0.01 GiB). */
function sizeBytes(s: string): number {
  const m = /^([\d.]+)\s*(GiB|MiB|KiB|GB|MB)$/.exec(s);
  if (!m) throw new TableError(`size "${s}" is not "<n> GiB" or "<n> MiB"`);
  const unit = { GiB: 2 ** 30, MiB: 2 ** 20, KiB: 2 ** 10, GB: 1e9, MB: 1e6 }[m[2] as "GiB"];
  return Math.round(Number(m[1]) * unit);
}

/** "3.21 B" → 3.21e9 parameters, "999.89 M" → 999.89e6. */
function paramCount(s: string): number {
  const m = /^([\d.]+)\s*([BMK])$/.exec(s);
  if (!m) throw new TableError(`params "${s}" is not "<n> B" or "<n> M"`);
  return Math.round(Number(m[1]) * { B: 1e9, M: 1e6, K: 1e3 }[m[2] as "B"]);
}

/** `pp512`, `tg128`, `pp512+tg128`, `tg128 @ d4096`, `pp 512`, `tg 128`. */
export function parseTestName(test: string): { n_prompt: number; n_gen: number; n_depth: number } | null {
  const m = /^(?:pp\s*(\d+))?\s*\+?\s*(?:tg\s*(\d+))?\s*(?:@\s*d\s*(\d+))?$/i.exec(test.trim());
  if (!m || (m[1] == null && m[2] == null)) return null;
  return { n_prompt: Number(m[1] ?? 0), n_gen: Number(m[2] ?? 0), n_depth: Number(m[3] ?? 0) };
}

/** "123.45 ± 1.23" (± mangled into `_` or `?` by an encoding, or written +-) → mean and deviation. */
function tokensPerSec(s: string): { avg_ts: number; stddev_ts: number | null } {
  const m = /^([\d.]+)(?:\s*(?:±|\+\/-|\+-|_|\?|�)\s*([\d.]+))?$/.exec(s);
  if (!m) throw new TableError(`t/s "${s}" is not "<mean> ± <deviation>"`);
  return { avg_ts: Number(m[1]), stddev_ts: m[2] == null ? null : Number(m[2]) };
}

function value(field: string, raw: string): string | number | boolean | null {
  if (raw === "" || raw === "-") return null;
  if (BOOL_FIELDS.has(field) && /^[01]$/.test(raw)) return raw === "1";
  if (INT_FIELDS.has(field) && /^-?\d+$/.test(raw)) return Number(raw);
  return raw;
}

function row(header: string[], cells: string[], where: string): TableRow {
  const out: TableRow = {};
  header.forEach((h, i) => {
    const raw = cells[i]!;
    const field = COLUMNS[h] ?? h;
    if (field === "model_size") out.model_size = sizeBytes(raw);
    else if (field === "model_n_params") out.model_n_params = paramCount(raw);
    else if (field === "t/s") Object.assign(out, tokensPerSec(raw));
    else if (field === "test") {
      const t = parseTestName(raw);
      if (!t) throw new TableError(`${where}: test "${raw}" is not a llama-bench test (pp512, tg128, pp512+tg128, tg128 @ d4096)`);
      Object.assign(out, t);
    } else out[field] = value(field, raw);
  });
  if (out.n_depth == null) out.n_depth = 0;
  return out;
}

/** Every llama-bench table in the text, each row with the build line that belongs to its table. */
export function tablesFromMarkdown(text: string): TableRow[] {
  const lines = text.split(/\r?\n/);
  // Where each line starts in the text: tables and build lines are matched by position.
  const offsets: number[] = [];
  let at = 0;
  for (const l of lines) {
    offsets.push(at);
    at += l.length + 1;
  }
  const builds = buildLines(text);
  const rows: TableRow[] = [];
  for (let i = 0; i + 1 < lines.length; i++) {
    const header = cellsOf(lines[i]!).map((h) => h.toLowerCase());
    if (!header.includes("model") || !header.includes("t/s") || !isSeparator(lines[i + 1]!)) continue;
    if (!header.includes("test") && !(header.includes("n_prompt") && header.includes("n_gen"))) continue;
    const start = offsets[i]!;
    const table: TableRow[] = [];
    let j = i + 2;
    for (; j < lines.length && lines[j]!.includes("|"); j++) {
      const cells = cellsOf(lines[j]!);
      if (cells.length !== header.length) throw new TableError(`line ${j + 1}: ${cells.length} cells, the table's header has ${header.length}`);
      table.push(row(header, cells, `line ${j + 1}`));
    }
    const end = offsets[j] ?? text.length;
    const nextTable = lines.findIndex((l, k) => k >= j && cellsOf(l).map((h) => h.toLowerCase()).includes("t/s"));
    const limit = nextTable < 0 ? text.length : offsets[nextTable]!;
    const build = builds.find((b) => b.at >= end && b.at < limit) ?? [...builds].reverse().find((b) => b.at < start) ?? null;
    for (const r of table) rows.push({ ...r, build_commit: build?.commit ?? "unknown", build_number: build?.number ?? null });
    i = j - 1;
  }
  return rows;
}
