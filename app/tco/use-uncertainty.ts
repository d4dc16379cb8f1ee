"use client";

/**
 * The Monte Carlo for the current inputs, computed in a Web Worker. Only the latest request
 * matters: while one runs, newer inputs wait, and intermediate ones are dropped. Without workers
 * (or if the worker fails) it runs on the main thread after a short pause in the input.
 */
import { useEffect, useMemo, useRef, useState } from "react";
import type { TcoInputs } from "../../lib/core/tco/model";
import { runUncertainty, type UncertaintyRequest, type UncertaintyResult } from "./uncertainty-job";

export function useUncertainty(inputs: TcoInputs, sampleLevers: boolean): { result: UncertaintyResult | null; pending: boolean; where: "worker" | "main thread" } {
  const [result, setResult] = useState<UncertaintyResult | null>(null);
  const [where, setWhere] = useState<"worker" | "main thread">("worker");
  const worker = useRef<Worker | null>(null);
  const busy = useRef(false);
  const next = useRef<UncertaintyRequest | null>(null);
  const key = useMemo(() => JSON.stringify([inputs, sampleLevers]), [inputs, sampleLevers]);

  useEffect(() => {
    let w: Worker | null = null;
    try {
      w = new Worker(new URL("./mc.worker.ts", import.meta.url), { type: "module" });
    } catch {
      setWhere("main thread");
      return;
    }
    const send = () => {
      const r = next.current;
      if (!r || !w) return;
      next.current = null;
      busy.current = true;
      w.postMessage(r);
    };
    w.onmessage = (e: MessageEvent<UncertaintyResult>) => {
      busy.current = false;
      setResult(e.data);
      send();
    };
    w.onerror = () => {
      w?.terminate();
      worker.current = null;
      setWhere("main thread");
    };
    worker.current = w;
    if (next.current) send();
    return () => {
      w?.terminate();
      worker.current = null;
    };
  }, []);

  useEffect(() => {
    const req: UncertaintyRequest = { key, inputs, sampleLevers };
    const w = worker.current;
    if (w) {
      next.current = req;
      if (!busy.current) {
        next.current = null;
        busy.current = true;
        w.postMessage(req);
      }
      return;
    }
    if (where === "worker") {
      next.current = req; // the worker is starting: it sends this when ready
      return;
    }
    const t = setTimeout(() => setResult(runUncertainty(req)), 150);
    return () => clearTimeout(t);
  }, [key, inputs, sampleLevers, where]);

  // One object per result, not per render: the memoised results panel redraws only when it changes.
  const pending = result == null || result.key !== key;
  return useMemo(() => ({ result, pending, where }), [result, pending, where]);
}
