// An output that shows a Jupyter widget (application/vnd.jupyter.widget-view+json): the widget
// manager is loaded on first use and renders the model's view here. Until the model is known —
// or if it never comes (outputs restored from disk while the kernel has not made it yet) — the
// bundle's other representation (text/plain "IntSlider(value=3)", an HTML snapshot) is shown.

import type { ComponentChildren } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { widgetHub } from "./hub";

export { widgetHub }; // ./door hands the widget messages to it

const FALLBACK_AFTER_MS = 400;

function modelIdOf(data: unknown): string | null {
  const id = typeof data === "object" && data !== null ? (data as { model_id?: unknown }).model_id : null;
  return typeof id === "string" && id ? id : null;
}

export function JupyterWidget({ data, fallback }: { data: unknown; fallback: ComponentChildren }) {
  const ref = useRef<HTMLDivElement>(null);
  const [state, setState] = useState<"pending" | "shown" | "missing">("pending");
  const modelId = modelIdOf(data);
  useEffect(() => {
    const el = ref.current;
    if (!el || !modelId) {
      setState("missing");
      return;
    }
    let remove: (() => void) | null = null;
    let gone = false;
    const slow = setTimeout(() => setState((s) => (s === "pending" ? "missing" : s)), FALLBACK_AFTER_MS);
    widgetHub
      .load()
      .then((api) => api.show(modelId, el))
      .then((remover) => {
        if (gone) remover?.();
        else if (remover) {
          remove = remover;
          setState("shown");
        } else setState("missing");
      })
      .catch((e: unknown) => {
        console.warn("reflow: widget view failed", e);
        if (!gone) setState("missing");
      });
    return () => {
      gone = true;
      clearTimeout(slow);
      remove?.();
    };
  }, [modelId]);
  return (
    <div class="reflow-jw" data-model-id={modelId ?? ""} data-state={state}>
      <div ref={ref} />
      {state === "missing" && <div class="reflow-jw-missing">{fallback}</div>}
    </div>
  );
}
