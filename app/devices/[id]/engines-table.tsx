import type { EngineLaneCell } from "../../../lib/server/read/runs";

const NATIVE_CPU = "node-llama-cpp cpu";

/** Every engine on this device side by side per model and workload, with the output check's verdicts. */
export function EnginesTable({ cells }: { cells: EngineLaneCell[] }) {
  const lanes = [...new Set(cells.map((c) => c.lane))].sort((a, b) => (a === NATIVE_CPU ? -1 : b === NATIVE_CPU ? 1 : a.localeCompare(b)));
  if (lanes.length < 2) return null;
  const rows = new Map<string, EngineLaneCell[]>();
  for (const c of cells) {
    const k = `${c.modelName} ${c.quantization}${c.weights === "synthetic" ? " (synthetic)" : ""}|${c.workloadId}`;
    rows.set(k, [...(rows.get(k) ?? []), c]);
  }
  return (
    <div className="table-wrap" tabIndex={0}>
      <table data-testid="engines-side-by-side">
        <caption>
          Engines side by side on this device: median tokens/s, the ratio to native llama.cpp on the CPU, and the output check against it
          (match: same tokens; differs: kept off the ranking)
        </caption>
        <thead>
          <tr>
            <th scope="col">Model</th>
            <th scope="col">Workload</th>
            {lanes.map((l) => (
              <th key={l} scope="col" className="num">
                {l}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {[...rows.entries()].map(([k, cs]) => {
            const [model, workload] = k.split("|");
            const native = cs.find((c) => c.lane === NATIVE_CPU);
            return (
              <tr key={k}>
                <td>{model}</td>
                <td>{workload}</td>
                {lanes.map((l) => {
                  const c = cs.find((x) => x.lane === l);
                  if (!c) return <td key={l} className="num">—</td>;
                  const outputs = Object.entries(c.outputs).filter(([o]) => o !== "none");
                  return (
                    <td key={l} className="num">
                      {c.medianTs.toFixed(1)}
                      {native && l !== NATIVE_CPU && ` (${(c.medianTs / native.medianTs).toFixed(2)}×)`}
                      {outputs.length > 0 && <span className={`hint${outputs.some(([o]) => o === "differs") ? " field-error" : ""}`}> {outputs.map(([o, n]) => `${o} ${n}`).join(", ")}</span>}
                    </td>
                  );
                })}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
