// The Output widget's view (what `interact` and `with out:` show): the kernel captures into the
// model's `outputs` (nbformat dicts, reflow/kernel/jupyter_widgets_output.py); they are shown with
// the app's own output renderer, so HTML in them lands in a sandboxed frame like any output.

import { DOMWidgetView } from "@jupyter-widgets/base";
import { OutputModel } from "@jupyter-widgets/output";
import type { Output } from "../protocol";
import type { RenderOutputs } from "./hub";

/** nbformat outputs -> the app's outputs (anything unknown is dropped). */
export function fromNbformat(items: unknown): Output[] {
  if (!Array.isArray(items)) return [];
  const out: Output[] = [];
  for (const item of items) {
    if (typeof item !== "object" || item === null) continue;
    const o = item as Record<string, unknown>;
    const text = (v: unknown) => (Array.isArray(v) ? v.join("") : typeof v === "string" ? v : "");
    if (o.output_type === "stream") out.push({ kind: "stream", name: o.name === "stderr" ? "stderr" : "stdout", text: text(o.text) });
    else if ((o.output_type === "display_data" || o.output_type === "execute_result") && typeof o.data === "object" && o.data)
      out.push({ kind: "data", data: o.data as Record<string, unknown> });
    else if (o.output_type === "error") {
      const tb = Array.isArray(o.traceback) ? o.traceback.map(String).join("") : "";
      out.push({ kind: "error", error: { kind: "exception", message: text(o.evalue), ename: text(o.ename), cells: [], traceback: tb } });
    }
  }
  return out;
}

export { OutputModel };

export class OutputView extends DOMWidgetView {
  render(): void {
    this.el.classList.add("jupyter-widgets-output-area", "reflow-jw-output");
    this.listenTo(this.model, "change:outputs", () => this.draw());
    this.draw();
  }

  /** The page's own output renderer, handed over by the hub (so this chunk does not carry a copy). */
  private get renderOutputs(): RenderOutputs | null {
    return (this.model.widget_manager as unknown as { renderOutputs?: RenderOutputs | null }).renderOutputs ?? null;
  }

  private draw(): void {
    this.renderOutputs?.(fromNbformat(this.model.get("outputs")), this.el);
  }

  remove(): this {
    this.renderOutputs?.(null, this.el);
    return super.remove();
  }
}
