import type { EngineLaneCell } from "../../../lib/server/read/runs";
import { DataTable, type Column } from "../../components/data-table";

const NATIVE_CPU = "node-llama-cpp cpu";

interface LaneRow {
  /** Model, quantization and "(synthetic)" where the weights are. */
  model: string;
  workload: string;
  cells: EngineLaneCell[];
}

/**
 * One lane's cell: its fastest configuration's median tokens/s, its ratio to native llama.cpp on the
 * CPU (each lane at its fastest configuration), which configuration where the lane has several, the
 * output check's verdicts.
 */
function laneCell(row: LaneRow, lane: string) {
  const c = row.cells.find((x) => x.lane === lane);
  if (!c) return "—";
  const native = row.cells.find((x) => x.lane === NATIVE_CPU);
  const outputs = Object.entries(c.outputs).filter(([o]) => o !== "none");
  return (
    <>
      {c.medianTs.toFixed(1)}
      {native && lane !== NATIVE_CPU && ` (${(c.medianTs / native.medianTs).toFixed(2)}×)`}
      {c.configs > 1 && (
        <span className="hint" title={c.config}>
          {" "}
          {/threads \d+/.exec(c.config)?.[0] ?? "fastest"} (best of {c.configs} configurations)
        </span>
      )}
      {outputs.length > 0 && <span className={`hint${outputs.some(([o]) => o === "differs") ? " field-error" : ""}`}> {outputs.map(([o, n]) => `${o} ${n}`).join(", ")}</span>}
    </>
  );
}

/** Every engine on this device side by side per model and workload, with the output check's verdicts. */
export function EnginesTable({ cells }: { cells: EngineLaneCell[] }) {
  const lanes = [...new Set(cells.map((c) => c.lane))].sort((a, b) => (a === NATIVE_CPU ? -1 : b === NATIVE_CPU ? 1 : a.localeCompare(b)));
  if (lanes.length < 2) return null;
  const rows = new Map<string, LaneRow>();
  for (const c of cells) {
    const model = `${c.modelName} ${c.quantization}${c.weights === "synthetic" ? " (synthetic)" : ""}`;
    const k = `${model}|${c.workloadId}`;
    const row = rows.get(k) ?? { model, workload: c.workloadId, cells: [] };
    row.cells.push(c);
    rows.set(k, row);
  }
  const columns: Column<LaneRow>[] = [
    { header: "Model", cell: (r) => r.model },
    { header: "Workload", cell: (r) => r.workload },
    ...lanes.map((l) => ({ header: l, numeric: true, cell: (r: LaneRow) => laneCell(r, l) })),
  ];
  return (
    <DataTable
      testId="engines-side-by-side"
      caption={
        <>
          Engines side by side on this device: median tokens/s of each engine&apos;s fastest configuration (configurations are never pooled), the
          ratio to native llama.cpp on the CPU, and the output check against it (match: same tokens; differs: kept off the ranking)
        </>
      }
      columns={columns}
      rows={[...rows.values()]}
      rowKey={(r) => `${r.model}|${r.workload}`}
    />
  );
}
