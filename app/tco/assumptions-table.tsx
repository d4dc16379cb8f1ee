/** Every assumption with its value, range, kind and source ("measured here" where Tokenwatt measured it). Memoised: the page passes deferred inputs. */
import { memo } from "react";
import { ASSUMPTIONS, type AssumptionKey } from "../../lib/core/tco/assumptions";
import { fmt } from "../../lib/core/tco/format";
import type { TcoInputs } from "../../lib/core/tco/model";

export type Provenance = Partial<Record<AssumptionKey, { kind: string; source: string }>>;

export const AssumptionsTable = memo(function AssumptionsTable({ inputs, provenance }: { inputs: TcoInputs; provenance: Provenance }) {
  return (
    <details className="assumptions-section" open>
      <summary>
        <h2 id="assumptions-h">Assumptions and sources</h2>
      </summary>
      <div className="table-wrap" tabIndex={0}>
        <table className="assumptions">
          <thead>
            <tr>
              <th scope="col">Input</th>
              <th scope="col" className="num">Value</th>
              <th scope="col">Unit</th>
              <th scope="col" className="num">Low – high</th>
              <th scope="col">Kind</th>
              <th scope="col">Source</th>
            </tr>
          </thead>
          <tbody>
            {(Object.keys(ASSUMPTIONS) as AssumptionKey[]).map((k) => {
              const a = ASSUMPTIONS[k];
              const kind = provenance[k]?.kind ?? a.kind;
              return (
                <tr key={k}>
                  <td>{a.label}</td>
                  <td className="num">{fmt(inputs[k], 4)}</td>
                  <td>{a.unit}</td>
                  <td className="num">
                    {fmt(a.low, 4)} – {fmt(a.high, 4)}
                  </td>
                  <td>
                    <span className={`badge ${kind === "measured here" ? "measured" : kind}`}>{kind}</span>
                  </td>
                  <td className="source">{provenance[k]?.source ?? a.source}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </details>
  );
});
