// hstack / vstack / tabs / accordion / callout of child outputs.

import { useState } from "preact/hooks";
import type { MimeBundle } from "../protocol";

export interface LayoutPayload {
  kind: "hstack" | "vstack" | "tabs" | "accordion" | "callout";
  props: { [k: string]: any };
  children: MimeBundle[];
  labels?: string[];
}

type Render = (bundle: MimeBundle) => any;

export function Layout({ data, renderBundle }: { data: LayoutPayload; renderBundle: Render }) {
  const { kind, props = {}, children = [], labels = [] } = data;
  if (kind === "hstack" || kind === "vstack") {
    const style = {
      gap: `${props.gap ?? 0.5}rem`,
      alignItems: props.align ?? (kind === "hstack" ? "center" : "stretch"),
      justifyContent: props.justify === "space-between" ? "space-between" : props.justify === "center" ? "center" : props.justify === "end" ? "flex-end" : "flex-start",
      flexWrap: props.wrap ? "wrap" : "nowrap",
    };
    return (
      <div class={`rw-stack ${kind}`} style={style}>
        {children.map((c, i) => (
          <div class="rw-stack-item" key={i} style={props.widths ? { flex: props.widths[i] ?? 1 } : undefined}>
            {renderBundle(c)}
          </div>
        ))}
      </div>
    );
  }
  if (kind === "tabs") return <Tabs labels={labels} children={children} renderBundle={renderBundle} />;
  if (kind === "accordion") return <Accordion labels={labels} children={children} renderBundle={renderBundle} multiple={!!props.multiple} />;
  return <div class={`rw-callout ${props.kind ?? "info"}`}>{children.map((c, i) => <div key={i}>{renderBundle(c)}</div>)}</div>;
}

function Tabs({ labels, children, renderBundle }: { labels: string[]; children: MimeBundle[]; renderBundle: Render }) {
  const [active, setActive] = useState(0);
  return (
    <div class="rw-tabs">
      <div class="rw-tab-bar" role="tablist">
        {labels.map((l, i) => (
          <button key={i} role="tab" aria-selected={i === active} class={i === active ? "active" : ""} onClick={() => setActive(i)}>
            {l}
          </button>
        ))}
      </div>
      <div class="rw-tab-panel" role="tabpanel">
        {children[active] && renderBundle(children[active])}
      </div>
    </div>
  );
}

function Accordion({ labels, children, renderBundle, multiple }: { labels: string[]; children: MimeBundle[]; renderBundle: Render; multiple: boolean }) {
  const [open, setOpen] = useState<number[]>([]);
  return (
    <div class="rw-accordion">
      {labels.map((l, i) => (
        <div class="rw-acc-item" key={i}>
          <button class="rw-acc-head" aria-expanded={open.includes(i)} onClick={() => setOpen(open.includes(i) ? open.filter((x) => x !== i) : multiple ? [...open, i] : [i])}>
            <span class={`chev ${open.includes(i) ? "open" : ""}`}>▸</span> {l}
          </button>
          {open.includes(i) && <div class="rw-acc-body">{renderBundle(children[i])}</div>}
        </div>
      ))}
    </div>
  );
}
