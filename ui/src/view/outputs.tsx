// Rendering outputs: MIME bundles, streams and errors. Large text is cut
// (LIMITS) with a "show all" button; HTML over the limit waits for a click.

import { memo } from "./memo";
import { useContext, useEffect, useLayoutEffect, useMemo, useRef, useState } from "preact/hooks";
import { parseAnsi } from "../ansi";
import { AnsiSegments } from "./ansiSegments";
import { TextWindow, useLineIndex, WINDOW_LINES } from "./textWindow";
import { indexLines, lineCount, type LineIndex } from "./lineIndex";
import { lineageOf } from "../streamLineage";
import { renderMarkdown } from "../markdown";
import { applyCarriageReturns, formatBytes, LIMITS, mimeText, pickMime, truncateText } from "../mime";
import type { CellError, MimeBundle, Output } from "../protocol";
import { errorMessageBody } from "../store";
import { UiContext } from "./context";
import { WIDGET_MIMES, WidgetView } from "../widgets";
import { InstallOffer } from "./packages";
import { ChartView } from "./charts/ChartView";
import { chartKind } from "./charts/kinds";
import { OutputFrame } from "./frame";
import { JupyterWidget, WIDGET_VIEW_MIME, widgetDoor } from "../jupyterWidgets/door";
import { render } from "preact";
import { PopOutButton } from "../popout/button";

/** `cell`: the notebook cell they belong to, which gives each output a "pop out" button (popout/). */
export const Outputs = memo(function Outputs({ outputs, cell }: { outputs: Output[]; cell?: string }) {
  if (!outputs.length) return null;
  return (
    <div class="outputs" data-testid="cell-outputs">
      {outputs.map((o, i) => (
        <div key={i} class="output" data-testid="output" data-output-kind={o.kind}>
          {cell !== undefined && <PopOutButton cell={cell} output={outputs.length === 1 ? null : i} />}
          <OutputView output={o} />
        </div>
      ))}
    </div>
  );
});

function OutputView({ output }: { output: Output }) {
  switch (output.kind) {
    case "stream":
      return <StreamView output={output} />;
    case "error":
      return <ErrorView error={output.error} />;
    case "data":
      return <MimeView bundle={output.data ?? {}} />;
  }
  return null;
}

function MimeView({ bundle }: { bundle: MimeBundle }) {
  if (bundle[WIDGET_VIEW_MIME]) return <JupyterWidget data={bundle[WIDGET_VIEW_MIME]} fallback={<MimeView bundle={withoutWidget(bundle)} />} />;
  const mime = pickMime(bundle);
  if (!mime) return <div class="output-note">No displayable output ({Object.keys(bundle).join(", ") || "empty"})</div>;
  const v = bundle[mime];
  if (WIDGET_MIMES.includes(mime)) return <WidgetView mime={mime} data={v} renderBundle={(b) => <MimeView bundle={b} />} />; // reflow.ui
  if (chartKind(mime)) return <ChartView mime={mime} data={v} />; // Vega-Lite, Vega, Plotly (lazy)
  switch (mime) {
    case "text/html":
      return <HtmlBlock html={mimeText(v)} />;
    case "image/svg+xml":
      return <SvgBlock svg={mimeText(v)} />;
    case "image/png":
    case "image/jpeg":
    case "image/gif":
      return <img class="output-image" data-testid="output-image" alt="" src={`data:${mime};base64,${mimeText(v).replace(/\s/g, "")}`} />;
    case "text/markdown":
      return <div class="output-markdown markdown" dangerouslySetInnerHTML={{ __html: renderMarkdown(mimeText(v)) }} />;
    case "application/json":
      return (
        <div class="output-json">
          <JsonNode value={v} name={null} depth={0} />
        </div>
      );
    default:
      return <TextBlock text={mimeText(v)} className="plain" ansi />;
  }
}

// the Output widget (interact, `with out:`) shows its outputs with this renderer
widgetDoor.renderOutputs = (outputs, el) => render(outputs ? <Outputs outputs={outputs} /> : null, el);

function withoutWidget(bundle: MimeBundle): MimeBundle {
  const { [WIDGET_VIEW_MIME]: _, ...rest } = bundle;
  return rest;
}

// ---- text ------------------------------------------------------------------------

function Ansi({ text }: { text: string }) {
  const segs = useMemo(() => parseAnsi(text), [text]);
  return <AnsiSegments segs={segs} />;
}

const SCROLL_LINES = 60;

type StreamOutput = Extract<Output, { kind: "stream" }>;

/** A stream's text as shown ("\r" applied), its line index and whether it has escapes, kept per view. */
interface ShownStream {
  token: object;
  length: number; // of the stream's own text
  cr: boolean;
  esc: boolean;
  text: string;
  ix: LineIndex;
}

/** While the stream only grew (streamLineage.ts), only the new text is looked at: O(new text) per frame, not O(all). */
function useShownStream(output: StreamOutput): ShownStream {
  const last = useRef<ShownStream | null>(null);
  const shown = useMemo(() => {
    const { text } = output;
    const token = lineageOf(output);
    const p = last.current;
    if (p && p.token === token && !p.cr && text.length >= p.length) {
      if (text.length === p.length) return p;
      if (!text.includes("\r", p.length)) {
        const esc = p.esc || text.includes("\x1b", p.length);
        return { token, length: text.length, cr: false, esc, text, ix: indexLines(text, p.ix, true) };
      }
    }
    const cr = text.includes("\r");
    const t = cr ? applyCarriageReturns(text) : text;
    return { token, length: text.length, cr, esc: t.includes("\x1b"), text: t, ix: indexLines(t, p?.ix) };
  }, [output]);
  last.current = shown;
  return shown;
}

function StreamView({ output }: { output: StreamOutput }) {
  const s = useShownStream(output);
  const className = `stream ${output.name}`;
  if (lineCount(s.ix) > WINDOW_LINES) {
    return (
      <div class={`output-text windowed ${className}`} data-testid="output-text">
        <TextWindow text={s.text} ansi tail ix={s.ix} esc={s.esc} />
      </div>
    );
  }
  return <WholeText text={s.text} className={className} ansi keep="tail" />;
}

/** Text output: windowed when long (textWindow.tsx), else whole, cut to LIMITS with a "show all". */
function TextBlock(props: { text: string; className: string; ansi?: boolean; keep?: "head" | "tail" }) {
  const ix = useLineIndex(props.text);
  if (lineCount(ix) > WINDOW_LINES) {
    return (
      <div class={`output-text windowed ${props.className}`} data-testid="output-text">
        <TextWindow text={props.text} ansi={!!props.ansi} tail={props.keep === "tail"} />
      </div>
    );
  }
  return <WholeText {...props} />;
}

function WholeText({ text, className, ansi, keep = "head" }: { text: string; className: string; ansi?: boolean; keep?: "head" | "tail" }) {
  const [all, setAll] = useState(false);
  const t = useMemo(() => truncateText(text, LIMITS, keep), [text, keep]);
  const shown = all ? text : t.text;
  const hasEsc = ansi && shown.includes("\x1b");
  const long = (all ? t.totalLines : t.shownLines) > SCROLL_LINES;
  const preRef = useRef<HTMLPreElement>(null);
  // console output sticks to its newest line while it grows
  useLayoutEffect(() => {
    const el = preRef.current;
    if (el && long && keep === "tail") el.scrollTop = el.scrollHeight;
  }, [shown, long]);
  const note = t.truncated && !all && (
    <div class="truncated">
      <span>
        {keep === "tail" ? "Showing the last" : "Showing"} {t.shownLines.toLocaleString()} of {t.totalLines.toLocaleString()} lines (
        {formatBytes(t.totalBytes)})
      </span>
      <button class="link" onClick={() => setAll(true)}>
        Show all
      </button>
    </div>
  );
  return (
    <div class={`output-text ${className}`} data-testid="output-text">
      {keep === "tail" && note}
      <pre ref={preRef} class={long ? "scroll" : ""}>
        {hasEsc ? <Ansi text={shown} /> : shown}
      </pre>
      {keep === "head" && note}
    </div>
  );
}

// ---- html / svg --------------------------------------------------------------------

function HtmlBlock({ html }: { html: string }) {
  const big = html.length > LIMITS.bytes;
  const [show, setShow] = useState(!big);
  if (!show)
    return (
      <div class="truncated block">
        <span>Large HTML output ({formatBytes(html.length)}) not shown.</span>
        <button class="link" onClick={() => setShow(true)}>
          Show it
        </button>
      </div>
    );
  return (
    <div class="output-html" data-testid="output-html">
      <OutputFrame html={html} />
    </div>
  );
}

function SvgBlock({ svg }: { svg: string }) {
  // as an <img>: the SVG's scripts and styles stay inside it
  const src = useMemo(() => `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`, [svg]);
  return <img class="output-image svg" alt="" src={src} />;
}

// ---- JSON tree ---------------------------------------------------------------------

function JsonNode({ value, name, depth }: { value: unknown; name: string | null; depth: number }) {
  const isObj = value !== null && typeof value === "object";
  const [open, setOpen] = useState(depth < 2);
  const key = name !== null ? <span class="json-key">{name}: </span> : null;
  if (!isObj) {
    return (
      <div class="json-row">
        {key}
        <JsonScalar value={value} />
      </div>
    );
  }
  const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value as object);
  const summary = Array.isArray(value) ? `Array(${entries.length})` : `{${entries.length} ${entries.length === 1 ? "key" : "keys"}}`;
  const limit = 500;
  return (
    <div class="json-row">
      <button class="json-toggle" onClick={() => setOpen(!open)} aria-expanded={open}>
        <span class={`chev ${open ? "open" : ""}`}>▸</span>
        {key}
        <span class="json-summary">{summary}</span>
      </button>
      {open && (
        <div class="json-children">
          {entries.slice(0, limit).map(([k, v]) => (
            <JsonNode key={k} name={k} value={v} depth={depth + 1} />
          ))}
          {entries.length > limit && <div class="json-more">… {entries.length - limit} more</div>}
        </div>
      )}
    </div>
  );
}

function JsonScalar({ value }: { value: unknown }) {
  if (typeof value === "string") return <span class="json-string">"{value.length > 500 ? value.slice(0, 500) + "…" : value}"</span>;
  if (typeof value === "number") return <span class="json-number">{String(value)}</span>;
  if (typeof value === "boolean") return <span class="json-bool">{String(value)}</span>;
  return <span class="json-null">null</span>;
}

// ---- errors ------------------------------------------------------------------------

const ERROR_TITLES: Record<string, string> = {
  syntax: "Syntax error",
  "multiple-definition": "Defined in more than one cell",
  "undefined-above": "Defined only in cells below",
  cycle: "Cycle between cells",
  "ancestor-error": "An ancestor failed",
  interrupted: "Interrupted",
  "star-import": "Star import",
};

export function ErrorView({ error }: { error: CellError }) {
  const ui = useContext(UiContext);
  const [tbOpen, setTbOpen] = useState(true);
  const title = error.kind === "exception" ? error.ename || "Exception" : ERROR_TITLES[error.kind] ?? error.kind;
  const soft = error.kind === "ancestor-error" || error.kind === "interrupted";
  useEffect(() => setTbOpen(true), [error.traceback]);
  return (
    <div class={`error-box kind-${error.kind} ${soft ? "soft" : ""}`} data-testid="output-error">
      <div class="error-head">
        <span class="error-title">{title}</span>
        <span class="error-message">{ui.humanize(errorMessageBody(error.message, error.ename))}</span>
      </div>
      {error.cells?.length > 0 && (
        <div class="error-cells">
          {error.kind === "cycle" ? "Cycle: " : error.kind === "multiple-definition" ? "Also defined in " : error.kind === "undefined-above" ? "Defined in " : error.kind === "ancestor-error" ? "Failed: " : "See "}
          {error.cells.map((id, i) => (
            <>
              {i > 0 && (error.kind === "cycle" ? " → " : ", ")}
              <a
                href={`#cell-${id}`}
                class="cell-link"
                onClick={(e) => {
                  e.preventDefault();
                  ui.goto(id);
                }}
              >
                {ui.label(id)}
              </a>
            </>
          ))}
        </div>
      )}
      {error.install && <InstallOffer hint={error.install} />}
      {error.traceback && (
        <div class="traceback">
          <button class="link small" onClick={() => setTbOpen(!tbOpen)}>
            {tbOpen ? "Hide traceback" : "Show traceback"}
          </button>
          {tbOpen && <TextBlock text={ui.humanize(error.traceback)} className="tb" ansi />}
        </div>
      )}
    </div>
  );
}
