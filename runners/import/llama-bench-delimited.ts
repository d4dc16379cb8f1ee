/**
 * llama-bench's -o csv and -o sql (pure): the same fields as its JSON, as text (llama-bench.cpp
 * csv_printer: a header line and one line per test, every value in double quotes; sql_printer: a
 * CREATE TABLE and one `INSERT INTO llama_bench (...) VALUES ('...', ...);` per test). Neither
 * prints the repetitions' samples: only avg_ns, stddev_ns, avg_ts and stddev_ts. Values are typed
 * here as llama-bench types them (test::get_field_type): integers, 0/1 booleans, floats.
 */
export type TextRow = Record<string, string | number | boolean | null>;

export class DelimitedError extends Error {}

const INT_FIELDS = new Set([
  "build_number", "n_batch", "n_ubatch", "n_threads", "poll", "model_size", "model_n_params", "n_gpu_layers", "main_gpu", "n_prompt", "n_gen",
  "n_depth", "avg_ns", "stddev_ns", "no_op_offload", "n_cpu_moe", "fit_target", "fit_min_ctx", "flash_attn",
]);
const BOOL_FIELDS = new Set(["f16_kv", "no_kv_offload", "cpu_strict", "embeddings", "no_host", "use_mmap", "cuda", "vulkan", "metal", "sycl", "opencl", "kompute", "gpu_blas", "blas", "rpc"]);
const FLOAT_FIELDS = new Set(["avg_ts", "stddev_ts"]);

function typed(field: string, raw: string): string | number | boolean | null {
  // An empty number or flag: not recorded (Tokenwatt's llama-bench CSV writes unknown values so).
  if (raw === "" && (INT_FIELDS.has(field) || FLOAT_FIELDS.has(field) || BOOL_FIELDS.has(field))) return null;
  if (BOOL_FIELDS.has(field) && /^(0|1|true|false)$/.test(raw)) return raw === "1" || raw === "true";
  // Earlier versions wrote flash_attn as a boolean.
  if (field === "flash_attn" && /^(true|false)$/.test(raw)) return raw === "true";
  if ((INT_FIELDS.has(field) || FLOAT_FIELDS.has(field)) && raw !== "" && Number.isFinite(Number(raw))) return Number(raw);
  return raw;
}

const record = (fields: string[], values: string[], where: string): TextRow => {
  if (values.length !== fields.length) throw new DelimitedError(`${where}: ${values.length} values for ${fields.length} fields`);
  return Object.fromEntries(fields.map((f, i) => [f, typed(f, values[i]!)]));
};

/** One CSV line (RFC 4180 quoting: "" is a quote inside a quoted value). */
function csvCells(line: string): string[] {
  const cells: string[] = [];
  let cur = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted && c === '"' && line[i + 1] === '"') {
      cur += '"';
      i++;
    } else if (c === '"') {
      quoted = !quoted;
    } else if (c === "," && !quoted) {
      cells.push(cur);
      cur = "";
    } else {
      cur += c;
    }
  }
  cells.push(cur);
  return cells;
}

export function rowsFromCsv(text: string): TextRow[] {
  const lines = text.split(/\r?\n/).filter((l) => l.trim());
  const header = csvCells(lines[0]!);
  // A file of several runs appended together repeats the header: those lines are skipped.
  return lines.slice(1).flatMap((l, i) => (l.startsWith(header[0]! + ",") ? [] : [record(header, csvCells(l), `line ${i + 2}`)]));
}

export function rowsFromSql(text: string): TextRow[] {
  const rows: TextRow[] = [];
  for (const [i, line] of text.split(/\r?\n/).entries()) {
    const m = /^\s*INSERT INTO llama_bench \(([^)]*)\) VALUES \('(.*)'\);\s*$/.exec(line);
    if (!m) continue;
    const fields = m[1]!.split(",").map((f) => f.trim());
    rows.push(record(fields, m[2]!.split(/',\s*'/), `line ${i + 1}`));
  }
  if (rows.length === 0) throw new DelimitedError("no INSERT INTO llama_bench statements");
  return rows;
}
