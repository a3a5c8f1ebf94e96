// Static (exported) notebook page: renders a notebook read-only from JSON embedded
// in the page (<script type="application/json" id="reflow-state">), with the app's
// own output components. No server, no network: the exporter inlines this bundle.

import { render } from "preact";
import { useState } from "preact/hooks";
import { highlightTree, classHighlighter } from "@lezer/highlight";
import { parser as pythonParser } from "@lezer/python";
import "./styles.css";
import "./static.css";
import { renderMarkdown } from "./markdown";
import type { CellError, Output } from "./protocol";
import { UiContext, type Ui } from "./view/context";
import { ErrorView, Outputs } from "./view/outputs";
import { widgetHub } from "./jupyterWidgets/hub";

export interface StaticCell {
  id: string;
  kind: "code" | "markdown";
  code: string;
  options?: { [k: string]: unknown };
  status?: string;
  outputs?: Output[];
  errors?: CellError[];
}

export interface StaticState {
  version: 1;
  name: string;
  hide_code: boolean;
  cells: StaticCell[];
  exported_at?: string;
  /** Jupyter widget state document (application/vnd.jupyter.widget-state+json), when outputs show widgets */
  widgets?: unknown;
}

/** Python source as highlighted spans (the same token colours as the editor). */
export function highlightPython(code: string) {
  const tree = pythonParser.parse(code);
  const parts: (string | preact.JSX.Element)[] = [];
  let pos = 0;
  highlightTree(tree, classHighlighter, (from, to, classes) => {
    if (from > pos) parts.push(code.slice(pos, from));
    parts.push(
      <span key={from} class={classes}>
        {code.slice(from, to)}
      </span>,
    );
    pos = to;
  });
  if (pos < code.length) parts.push(code.slice(pos));
  return parts;
}

function CodeBlock({ code }: { code: string }) {
  return <pre class="code-static highlighted">{code ? highlightPython(code) : " "}</pre>;
}

function StaticCellView({ cell, index, hideAll }: { cell: StaticCell; index: number; hideAll: boolean }) {
  const hidden = hideAll || cell.options?.hide_code === true;
  const [show, setShow] = useState(false);
  const isMd = cell.kind === "markdown";
  const status = cell.status && cell.status !== "idle" ? cell.status : "idle";
  const outputs = (
    <>
      {(cell.errors?.length ?? 0) > 0 && (
        <div class="static-errors">
          {cell.errors!.map((e, i) => (
            <ErrorView key={i} error={e} />
          ))}
        </div>
      )}
      <Outputs outputs={cell.outputs ?? []} />
    </>
  );
  const hasOutput = (cell.outputs?.length ?? 0) > 0 || (cell.errors?.length ?? 0) > 0;
  if (isMd) {
    if (!cell.code.trim()) return null;
    return (
      <div id={`cell-${cell.id}`} class="cell kind-markdown ro static" data-cell-id={cell.id}>
        <div class="cell-gutter" />
        <div class="cell-body">
          <div class="markdown rendered" dangerouslySetInnerHTML={{ __html: renderMarkdown(cell.code) }} />
        </div>
      </div>
    );
  }
  if (hidden && !hasOutput && !show && hideAll) return null;
  const codeShown = !hidden || show;
  return (
    <div
      id={`cell-${cell.id}`}
      data-cell-id={cell.id}
      class={["cell", "kind-code", "static", `status-${status}`, hidden && !show ? "ro" : "", cell.options?.disabled === true ? "is-disabled" : ""].join(" ")}
    >
      <div class="cell-gutter" title={status !== "idle" ? status : undefined}>
        {!hideAll && <span class="cell-num">{index + 1}</span>}
        <span class="gutter-bar" />
      </div>
      <div class="cell-body">
        {codeShown && (
          <div class="cell-code">
            <CodeBlock code={cell.code} />
          </div>
        )}
        {hidden && !hideAll && (
          <button class="hidden-code" onClick={() => setShow(!show)}>
            {show ? "hide code" : "code hidden · show"}
          </button>
        )}
        {outputs}
      </div>
    </div>
  );
}

function StaticApp({ state }: { state: StaticState }) {
  const labels = new Map<string, number>();
  state.cells.forEach((c, i) => labels.set(c.id, i + 1));
  const ui: Ui = {
    controller: null as unknown as Ui["controller"],
    goto: (id) => document.getElementById(`cell-${id}`)?.scrollIntoView({ behavior: "smooth", block: "center" }),
    label: (id) => `cell ${labels.get(id) ?? "?"}`,
    humanize: (text) =>
      text.replace(/<cell ([^>\s]+)>|\b[0-9a-f]{5,}\b/g, (m, inner?: string) => {
        const n = labels.get(inner ?? m);
        return n === undefined ? m : `cell ${n}`;
      }),
  };
  const toggle = () => {
    const root = document.documentElement;
    root.dataset.theme = root.dataset.theme === "dark" ? "light" : "dark";
  };
  return (
    <UiContext.Provider value={ui}>
      <div class={`app static-export ${state.hide_code ? "read-only" : ""}`}>
        <header class="topbar">
          <div class="doc-title">
            <span class="name">{state.name}</span>
            <span class="badge">exported</span>
          </div>
          <div class="spacer" />
          <button class="icon-btn theme-toggle" title="Light / dark theme" onClick={toggle} aria-label="Light / dark theme">
            ◐
          </button>
        </header>
        <div class="main">
          <main class="notebook" aria-label="Notebook">
            {state.cells.map((c, i) => (
              <div class="cell-slot" key={c.id}>
                <StaticCellView cell={c} index={i} hideAll={state.hide_code} />
              </div>
            ))}
            <div class="notebook-end static-end" />
          </main>
        </div>
      </div>
    </UiContext.Provider>
  );
}

/** Read the embedded state and render it; a readable message if it is missing. */
export function mount(doc: Document = document): void {
  const root = doc.getElementById("app")!;
  const el = doc.getElementById("reflow-state");
  let state: StaticState | null = null;
  try {
    state = el ? (JSON.parse(el.textContent || "null") as StaticState) : null;
  } catch {
    state = null;
  }
  if (!state || !Array.isArray(state.cells)) {
    root.textContent = "This page holds no readable Reflow notebook.";
    return;
  }
  if (!doc.documentElement.dataset.theme) {
    const dark = typeof matchMedia === "function" && matchMedia("(prefers-color-scheme: dark)").matches;
    doc.documentElement.dataset.theme = dark ? "dark" : "light";
  }
  if (state.widgets) widgetHub.offline(state.widgets); // the widgets' last state, rendered read-only
  render(<StaticApp state={state} />, root);
  doc.documentElement.dataset.ready = "1";
}

mount();
