"use client";

/** One input of the TCO form: a ranged assumption (a slider for shares) or a plain number, with its error. */
import { memo } from "react";
import { ASSUMPTIONS, type AssumptionKey } from "../../lib/core/tco/assumptions";

export type Raw = Record<string, string>;

export function FieldError({ id, message }: { id?: string; message: string | undefined }) {
  if (!message) return null;
  return (
    <p className="field-error" id={id} role="alert">
      {message}
    </p>
  );
}

/** Memoised on its own value: a slider's move re-renders that field only (`set` must be stable). */
export const AssumptionField = memo(function AssumptionField({ k, value, error, set }: { k: AssumptionKey; value: string | undefined; error?: string; set: (k: string, v: string) => void }) {
  const a = ASSUMPTIONS[k];
  const id = `in-${k}`;
  return (
    <div className="field">
      <label htmlFor={id}>
        {a.label} <span className="unit">({a.unit})</span>
      </label>
      {a.unit === "fraction" ? (
        <div className="slider">
          <input id={id} type="range" min={a.min} max={a.max} step={0.01} value={Number(value) || 0} onChange={(e) => set(k, e.target.value)} aria-describedby={`${id}-err`} />
          <input aria-label={`${a.label} (value)`} type="number" step="any" value={value ?? ""} onChange={(e) => set(k, e.target.value)} />
        </div>
      ) : (
        <input id={id} type="number" step="any" value={value ?? ""} onChange={(e) => set(k, e.target.value)} aria-describedby={`${id}-err`} aria-invalid={Boolean(error)} />
      )}
      <FieldError id={`${id}-err`} message={error} />
    </div>
  );
});

export const PLAIN_LABELS = {
  users: "Users (bottom-up)",
  queriesPerUserPerDay: "Queries per user per day (bottom-up)",
  tokensPerQuery: "Tokens per query (bottom-up)",
  baseYear: "Base year of the baseline",
  offloadShareStart: "Offload share at the base year, when it ramps (fraction)",
  rampYears: "Years to reach the target offload share (0: no ramp)",
  horizonYears: "Horizon for totals, NPV, charts and CSV (years)",
  year: "Year",
} as const;

export const PlainField = memo(function PlainField({ k, value, error, set }: { k: keyof typeof PLAIN_LABELS; value: string | undefined; error?: string; set: (k: string, v: string) => void }) {
  return (
    <div className="field">
      <label htmlFor={`in-${k}`}>{PLAIN_LABELS[k]}</label>
      <input id={`in-${k}`} type="number" step="any" value={value ?? ""} onChange={(e) => set(k, e.target.value)} aria-invalid={Boolean(error)} />
      <FieldError message={error} />
    </div>
  );
});

export function Select({ id, label, value, onChange, options }: { id: string; label: string; value: string; onChange: (v: string) => void; options: [string, string][] }) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)}>
        {options.map(([v, l]) => (
          <option key={v} value={v}>
            {l}
          </option>
        ))}
      </select>
    </div>
  );
}
