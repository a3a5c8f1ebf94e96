// reflow.ui elements (application/vnd.reflow.ui+json): one component per kind.
// Each keeps a local value for instant feedback and reports changes to a sink:
// the channel (sent to the kernel) or, inside a form, the form's draft.

import { createContext } from "preact";
import { useContext, useEffect, useRef, useState } from "preact/hooks";
import { channel } from "./channel";
import { bytesToBase64, formatNumber, orderedPair, parseNumber, snap, toggle } from "./convert";
import { TableWidget } from "./table";
import { ChartElement } from "./chart";

export interface ElementPayload {
  element_id: string;
  kind: string;
  props: { [k: string]: any };
  value: unknown;
}

type Sink = (elementId: string, value: unknown) => void;
const defaultSink: Sink = (id, v) => channel.set(id, v);
const SinkContext = createContext<Sink>(defaultSink);

function same(a: unknown, b: unknown): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}

/** The element's current value and a setter that reports it to the sink. */
function useElementValue(p: ElementPayload): [any, (v: unknown) => void] {
  const id = p.element_id;
  const sink = useContext(SinkContext);
  const [value, setValue] = useState<unknown>(() => (channel.isPending(id) && channel.values.has(id) ? channel.values.get(id) : p.value));
  const last = useRef(p.value);
  useEffect(() => channel.subscribe(id, setValue), [id]);
  useEffect(() => {
    if (same(last.current, p.value)) return;
    last.current = p.value;
    if (!channel.isPending(id)) setValue(p.value);
  }, [p.value, id]);
  const set = (v: unknown) => {
    setValue(v);
    sink(id, v);
  };
  return [value, set];
}

export function Element({ payload }: { payload: ElementPayload }) {
  const C = KINDS[payload.kind];
  if (!C) return <div class="output-note">Unknown element kind “{payload.kind}”</div>;
  return (
    <div class={`rw rw-${payload.kind}`} data-element-id={payload.element_id}>
      <C p={payload} />
    </div>
  );
}

function Label({ p }: { p: ElementPayload }) {
  const label = p.props.label;
  return label ? <span class="rw-label">{label}</span> : null;
}

type Props = { p: ElementPayload };

function Slider({ p }: Props) {
  const [v, set] = useElementValue(p);
  const { start, stop, step, steps, show_value, orientation } = p.props;
  const shown = steps ? steps[v as number] : v;
  return (
    <label class={`rw-row ${orientation === "vertical" ? "vertical" : ""}`}>
      <Label p={p} />
      <input
        type="range"
        min={start}
        max={stop}
        step={step}
        value={v as number}
        onInput={(e) => set(snap(Number((e.target as HTMLInputElement).value), start, stop, step))}
      />
      {show_value !== false && <span class="rw-value">{formatNumber(shown)}</span>}
    </label>
  );
}

function RangeSlider({ p }: Props) {
  const [v, set] = useElementValue(p);
  const { start, stop, step, show_value } = p.props;
  const [lo, hi] = (v as number[]) ?? [start, stop];
  const move = (which: 0 | 1, raw: string) => {
    const x = snap(Number(raw), start, stop, step);
    set(orderedPair(which === 0 ? x : lo, which === 1 ? x : hi));
  };
  return (
    <label class="rw-row">
      <Label p={p} />
      <span class="rw-range">
        <input type="range" min={start} max={stop} step={step} value={lo} onInput={(e) => move(0, (e.target as HTMLInputElement).value)} />
        <input type="range" min={start} max={stop} step={step} value={hi} onInput={(e) => move(1, (e.target as HTMLInputElement).value)} />
      </span>
      {show_value !== false && (
        <span class="rw-value">
          {formatNumber(lo)} – {formatNumber(hi)}
        </span>
      )}
    </label>
  );
}

function NumberBox({ p }: Props) {
  const [v, set] = useElementValue(p);
  const { start, stop, step } = p.props;
  return (
    <label class="rw-row">
      <Label p={p} />
      <input
        type="number"
        class="rw-input"
        min={start ?? undefined}
        max={stop ?? undefined}
        step={step}
        value={v == null ? "" : String(v)}
        onChange={(e) => set(parseNumber((e.target as HTMLInputElement).value, start, stop))}
      />
    </label>
  );
}

function TextBox({ p }: Props) {
  const [v, set] = useElementValue(p);
  const area = p.kind === "text_area";
  const common = {
    class: "rw-input",
    placeholder: p.props.placeholder || undefined,
    maxLength: p.props.max_length ?? undefined,
    value: (v as string) ?? "",
    onInput: (e: Event) => set((e.target as HTMLInputElement).value),
  };
  return (
    <label class={`rw-row ${area ? "vertical" : ""}`}>
      <Label p={p} />
      {area ? <textarea rows={p.props.rows ?? 4} {...common} /> : <input type="text" {...common} />}
    </label>
  );
}

function Check({ p }: Props) {
  const [v, set] = useElementValue(p);
  return (
    <label class={`rw-row rw-check ${p.kind === "switch" ? "rw-switch" : ""}`}>
      <input type="checkbox" role={p.kind === "switch" ? "switch" : undefined} checked={!!v} onChange={(e) => set((e.target as HTMLInputElement).checked)} />
      {p.kind === "switch" && <span class="rw-switch-track" aria-hidden="true" />}
      <Label p={p} />
    </label>
  );
}

function Dropdown({ p }: Props) {
  const [v, set] = useElementValue(p);
  const options: string[] = p.props.options ?? [];
  return (
    <label class="rw-row">
      <Label p={p} />
      <select class="rw-input" value={(v as string) ?? ""} onChange={(e) => set((e.target as HTMLSelectElement).value || null)}>
        {(p.props.allow_select_none || v == null) && <option value="">--</option>}
        {options.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
    </label>
  );
}

function Radio({ p }: Props) {
  const [v, set] = useElementValue(p);
  const options: string[] = p.props.options ?? [];
  return (
    <fieldset class="rw-radio">
      {p.props.label && <legend class="rw-label">{p.props.label}</legend>}
      {options.map((o) => (
        <label key={o} class="rw-row rw-check">
          <input type="radio" name={p.element_id} checked={v === o} onChange={() => set(o)} />
          <span>{o}</span>
        </label>
      ))}
    </fieldset>
  );
}

function MultiSelect({ p }: Props) {
  const [v, set] = useElementValue(p);
  const selected = (v as string[]) ?? [];
  const options: string[] = p.props.options ?? [];
  return (
    <fieldset class="rw-multi">
      {p.props.label && <legend class="rw-label">{p.props.label}</legend>}
      {options.map((o) => (
        <label key={o} class={`rw-chip ${selected.includes(o) ? "on" : ""}`}>
          <input type="checkbox" checked={selected.includes(o)} onChange={() => set(options.filter((x) => toggle(selected, o, "multi", p.props.max_selections).includes(x)))} />
          {o}
        </label>
      ))}
    </fieldset>
  );
}

function Button({ p }: Props) {
  const [v, set] = useElementValue(p);
  return (
    <button class={`rw-button kind-${p.props.button_kind ?? "neutral"}`} onClick={() => set(p.kind === "run_button" ? true : typeof v === "number" ? v + 1 : v)}>
      {p.props.label || (p.kind === "run_button" ? "Run" : "Click")}
    </button>
  );
}

function DateBox({ p }: Props) {
  const [v, set] = useElementValue(p);
  return (
    <label class="rw-row">
      <Label p={p} />
      <input type="date" class="rw-input" min={p.props.start ?? undefined} max={p.props.stop ?? undefined} value={(v as string) ?? ""} onChange={(e) => set((e.target as HTMLInputElement).value || null)} />
    </label>
  );
}

function FileUpload({ p }: Props) {
  const [v, set] = useElementValue(p);
  const [error, setError] = useState<string | null>(null);
  const files = (v as { name: string; size?: number }[]) ?? [];
  const accept = (p.props.filetypes ?? []).join(",") || undefined;
  const onFiles = async (list: FileList | null) => {
    if (!list) return;
    const out = [];
    for (const f of Array.from(list)) {
      if (f.size > (p.props.max_bytes ?? Infinity)) {
        setError(`${f.name} is larger than the limit`);
        return;
      }
      out.push({ name: f.name, data: bytesToBase64(new Uint8Array(await f.arrayBuffer())), size: f.size });
    }
    setError(null);
    set(out);
  };
  return (
    <label class="rw-row rw-file">
      <span class="rw-button">{p.props.label || "Upload"}</span>
      <input type="file" accept={accept} multiple={!!p.props.multiple} onChange={(e) => void onFiles((e.target as HTMLInputElement).files)} />
      <span class="rw-value">{files.length ? files.map((f) => f.name).join(", ") : "no file"}</span>
      {error && <span class="rw-error">{error}</span>}
    </label>
  );
}

function ArrayEl({ p }: Props) {
  const children: ElementPayload[] = p.props.children ?? [];
  return (
    <div class={`rw-array ${p.props.orientation === "horizontal" ? "horizontal" : ""}`}>
      <Label p={p} />
      {children.map((c) => (
        <Element key={c.element_id} payload={c} />
      ))}
    </div>
  );
}

function DictEl({ p }: Props) {
  const children: { [k: string]: ElementPayload } = p.props.children ?? {};
  return (
    <div class="rw-dict">
      <Label p={p} />
      {Object.entries(children).map(([k, c]) => (
        <div class="rw-dict-row" key={k}>
          <span class="rw-key">{k}</span>
          <Element payload={c} />
        </div>
      ))}
    </div>
  );
}

/** A form: the inner element changes a local draft; submit sends it as the form's value. */
function FormEl({ p }: Props) {
  const sink = useContext(SinkContext);
  const child: ElementPayload = p.props.child;
  const draft = useRef<unknown>(child.value);
  const [dirty, setDirty] = useState(false);
  const local: Sink = (id, v) => {
    if (id === child.element_id) {
      draft.current = v;
      setDirty(true);
    }
  };
  return (
    <form
      class="rw-form"
      onSubmit={(e) => {
        e.preventDefault();
        sink(p.element_id, draft.current);
        setDirty(false);
      }}
    >
      <Label p={p} />
      <SinkContext.Provider value={local}>
        <Element payload={child} />
      </SinkContext.Provider>
      <button type="submit" class={`rw-button primary ${dirty ? "dirty" : ""}`}>
        {p.props.submit_label || "Submit"}
      </button>
    </form>
  );
}

function Table({ p }: Props) {
  const [v, set] = useElementValue(p);
  return <TableWidget p={p} selected={(v as number[]) ?? []} onSelect={set} />;
}

function Chart({ p }: Props) {
  const [, set] = useElementValue(p);
  return <ChartElement p={p} onSelect={set} />;
}

const KINDS: { [kind: string]: (props: Props) => any } = {
  slider: Slider,
  range_slider: RangeSlider,
  number: NumberBox,
  text: TextBox,
  text_area: TextBox,
  checkbox: Check,
  switch: Check,
  dropdown: Dropdown,
  radio: Radio,
  multiselect: MultiSelect,
  button: Button,
  run_button: Button,
  date: DateBox,
  file: FileUpload,
  array: ArrayEl,
  dictionary: DictEl,
  form: FormEl,
  table: Table,
  chart: Chart,
};
