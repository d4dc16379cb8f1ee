"use client";
import { useActionState } from "react";
import { enqueueAction, type EnqueueFormState } from "./actions";
import { SUITE_NAMES, SUITES } from "../../lib/core/contracts/workloads";

const initial: EnqueueFormState = { message: null, ok: false, errors: {}, values: {} };

export function EnqueueForm({ agents, deviceClasses, needsToken }: { agents: { id: number; name: string }[]; deviceClasses: string[]; needsToken: boolean }) {
  const [state, action, pending] = useActionState(enqueueAction, initial);
  const v = (k: string, d = "") => state.values[k] || d;
  const field = (name: string, label: string, input: React.ReactNode, hint?: string) => (
    <div className="field">
      <label htmlFor={`q-${name}`}>{label}</label>
      {input}
      {hint && <span className="hint">{hint}</span>}
      {state.errors[name] && (
        <p className="field-error" role="alert">
          {state.errors[name]}
        </p>
      )}
    </div>
  );
  return (
    // Remounted after every answer: React resets a form after its action, and a <select> would
    // fall back to its first-render value ("all agents"), not to what was submitted.
    <form key={JSON.stringify(state)} action={action} className="panel" aria-label="Queue a suite">
      <h2>Queue a suite</h2>
      {field(
        "targetKind",
        "For",
        <select id="q-targetKind" name="targetKind" defaultValue={v("targetKind", "all")}>
          <option value="all">all agents</option>
          <option value="class">a device class</option>
          <option value="agent">one agent</option>
        </select>,
      )}
      {field(
        "agentId",
        "Agent (when one agent)",
        <select id="q-agentId" name="agentId" defaultValue={v("agentId")}>
          <option value="">-</option>
          {agents.map((a) => (
            <option key={a.id} value={a.id}>
              {a.name} (#{a.id})
            </option>
          ))}
        </select>,
      )}
      {field(
        "deviceClass",
        "Device class (when a class)",
        <select id="q-deviceClass" name="deviceClass" defaultValue={v("deviceClass")}>
          <option value="">-</option>
          {deviceClasses.map((c) => (
            <option key={c} value={c}>
              {c}
            </option>
          ))}
        </select>,
      )}
      {field("model", "Model", <input id="q-model" name="model" required defaultValue={v("model")} placeholder="synthetic:llama-3.2-1b:Q4_0" aria-invalid={!!state.errors.model} />, "synthetic:<shape>:<quant>, a .gguf file name of each agent's models directory, or hf:<user>/<repo>/<file>.gguf#sha256=<hash>; never a URL or a path")}
      {field(
        "suite",
        "Suite",
        <select id="q-suite" name="suite" defaultValue={v("suite", "quick")}>
          {SUITE_NAMES.map((name) => (
            <option key={name} value={name}>
              {name} ({SUITES[name].map((w) => w.id).join(", ")})
            </option>
          ))}
        </select>,
      )}
      {field("workloads", "Workloads (instead of the suite)", <input id="q-workloads" name="workloads" defaultValue={v("workloads")} placeholder="pp512,tg128" aria-invalid={!!state.errors.workloads} />)}
      {field("repetitions", "Repetitions", <input id="q-repetitions" name="repetitions" type="number" min={1} max={100} defaultValue={v("repetitions", "3")} />)}
      {field("threads", "Threads", <input id="q-threads" name="threads" type="number" min={1} defaultValue={v("threads")} placeholder="all cores" />)}
      {field("timeoutS", "Timeout (s)", <input id="q-timeoutS" name="timeoutS" type="number" min={10} defaultValue={v("timeoutS", "3600")} />, "a job running longer is marked failed")}
      {needsToken && field("adminToken", "Admin token", <input id="q-adminToken" name="adminToken" type="password" autoComplete="off" aria-invalid={!!state.errors.adminToken} />)}
      <button type="submit" disabled={pending}>
        {pending ? "Queueing…" : "Queue"}
      </button>
      {state.message && (
        <p className={state.ok ? "notice" : "field-error"} role={state.ok ? "status" : "alert"}>
          {state.message}
        </p>
      )}
    </form>
  );
}
