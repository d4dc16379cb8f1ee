/**
 * What the compare page charts, from its cells (pure: no database, no React). A cell is matched by
 * its whole identity, never by a name: its model file (id), its device, engine, backend and
 * configuration, or its run. Two quantizations of one model, its real and synthetic weights, two
 * engines on one device or two devices of one name are each their own model or series; matching by
 * name made them collide, and a `find` showed one of them as if it were the other.
 */
import type { CompareCell } from "../../lib/server/read/runs";
import { formatBytes } from "../../lib/core/present/format";

/** A model file the page offers: its id (the `?model=` value), its label, the devices measuring it. */
export interface ModelChoice {
  id: number;
  label: string;
  devices: number;
}

/** A cell with the series it is drawn in: its key and its label (the chart's legend and the table's first column). */
export type SeriesCell = CompareCell & { seriesKey: string; series: string };

type ModelFields = Pick<CompareCell, "modelId" | "modelName" | "quantization" | "weights" | "fileBytes">;

/**
 * Each model file's label: its name alone where no other file listed shares it; else the name with
 * its quantization, and then only what still tells it from the files of its name and quantization:
 * "synthetic weights", its size, and its id as a last resort.
 */
export function modelLabels(cells: readonly ModelFields[]): Map<number, string> {
  const files = [...new Map(cells.map((c) => [c.modelId, c])).values()];
  const labels = new Map<number, string>();
  for (const m of files) {
    const namesakes = files.filter((o) => o.modelName === m.modelName && o.modelId !== m.modelId);
    if (!namesakes.length) {
      labels.set(m.modelId, m.modelName);
      continue;
    }
    const parts = [m.quantization];
    let rivals = namesakes.filter((o) => o.quantization === m.quantization);
    if (m.weights === "synthetic" && rivals.some((o) => o.weights !== m.weights)) parts.push("synthetic weights");
    rivals = rivals.filter((o) => o.weights === m.weights);
    const size = formatBytes(m.fileBytes);
    if (rivals.some((o) => formatBytes(o.fileBytes) !== size)) parts.push(size);
    if (rivals.some((o) => formatBytes(o.fileBytes) === size)) parts.push(`model ${m.modelId}`);
    labels.set(m.modelId, `${m.modelName} (${parts.join(", ")})`);
  }
  return labels;
}

/**
 * The model files of these cells, measured on the most devices first. `requested` (a `?model=`
 * value) is a model id, or a name (links from before ids) that picks the most measured file of it.
 */
export function pickModel(all: readonly CompareCell[], requested: string | undefined): { models: ModelChoice[]; model: ModelChoice | undefined } {
  const labels = modelLabels(all);
  const models = [...labels]
    .map(([id, label]) => ({ id, label, devices: new Set(all.filter((c) => c.modelId === id).map((c) => c.deviceId)).size }))
    .sort((a, b) => b.devices - a.devices || a.label.localeCompare(b.label) || a.id - b.id);
  const name = (id: number) => all.find((c) => c.modelId === id)?.modelName;
  const model = requested === undefined ? models[0] : models.find((m) => String(m.id) === requested || name(m.id) === requested);
  return { models, model };
}

/**
 * The series of the cells of one model on devices: a device measured in one way is one series named
 * by the device; one measured in several (engines, backends, configurations) is a series per way,
 * named by what differs. Two devices of one name are told apart by their ids.
 */
export function deviceSeries(cells: readonly CompareCell[]): SeriesCell[] {
  const way = (c: CompareCell) => `${c.engine} ${c.backend}`;
  // Per device, the engine-and-backend pairs and the configurations its cells were measured in.
  const measured = new Map<number, { ways: Set<string>; configs: Set<string> }>();
  for (const c of cells) {
    if (!measured.has(c.deviceId)) measured.set(c.deviceId, { ways: new Set(), configs: new Set() });
    measured.get(c.deviceId)!.ways.add(way(c));
    measured.get(c.deviceId)!.configs.add(c.config);
  }
  const out = cells.map((c) => {
    const d = measured.get(c.deviceId)!;
    const parts = [...(d.ways.size > 1 ? [way(c)] : []), ...(d.configs.size > 1 ? [c.config || "defaults"] : [])];
    return { ...c, seriesKey: `${c.deviceId}|${c.modelId}|${way(c)}|${c.config}`, series: parts.length ? `${c.deviceName} (${parts.join("; ")})` : c.deviceName };
  });
  const devicesNamed = new Map<string, Set<number>>();
  for (const c of out) devicesNamed.set(c.series, (devicesNamed.get(c.series) ?? new Set()).add(c.deviceId));
  return out.map((c) => (devicesNamed.get(c.series)!.size > 1 ? { ...c, series: `${c.series} · device ${c.deviceId}` } : c));
}

/**
 * The series of runs side by side: one per run, each named by its device and run (compareRuns), and
 * by its model file where the runs are of more than one.
 */
export function runSeries(cells: readonly CompareCell[]): SeriesCell[] {
  const labels = modelLabels(cells);
  const several = labels.size > 1;
  return cells.map((c) => ({ ...c, seriesKey: c.runId ?? c.deviceName, series: several ? `${c.deviceName} · ${labels.get(c.modelId)}` : c.deviceName }));
}

/** The rows a grouped bar chart draws: a row per workload, a value per series (null: not measured). */
export function byWorkload(cells: readonly SeriesCell[], pick: (c: SeriesCell) => number | null, workloads?: readonly string[]) {
  const names = [...new Set(cells.map((c) => c.series))];
  const at = new Map(cells.map((c) => [`${c.workloadId}\u0000${c.series}`, c]));
  return [...new Set(cells.map((c) => c.workloadId))]
    .filter((w) => !workloads || workloads.includes(w))
    .map((w) => ({ category: w, ...Object.fromEntries(names.map((n) => [n, ((c) => (c ? pick(c) : null))(at.get(`${w}\u0000${n}`))])) }) as Record<string, string | number | null>);
}
