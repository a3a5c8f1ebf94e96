// "Run on...": where the notebook's kernel runs. Lists this computer and the places used lately
// (the server's `place` message); typing a host of your OpenSSH config offers "ssh:HOST". The
// file, outputs and exports stay on this computer whatever is chosen.

import { useLayoutEffect, useMemo, useRef, useState } from "preact/hooks";
import { onPickerKey } from "./pickerKeys";

interface PlaceChoice {
  place: string;
  label: string;
}

// the server refuses anything else (reflow_desktop/remote/place.py); mirror it so a typo is caught here
const HOST = /^(?:[A-Za-z0-9._+-]+@)?[A-Za-z0-9_.:[\]%+-]+$/;
const GATEWAY = /^(?:gateway:)?(https?:\/\/[^\s/]+(?:\/\S*)?)$/;

/** What to offer for `query`: this computer, the recent places that match, then the typed host. */
export function runOnChoices(query: string, recent: readonly string[]): PlaceChoice[] {
  const q = query.trim();
  const label = (place: string) =>
    place === "local" ? "This computer" : place.startsWith("ssh:") ? `SSH: ${place.slice(4)}` : place.startsWith("gateway:") ? `Jupyter gateway: ${place.slice(8)}` : place;
  const all = ["local", ...recent.filter((p) => p !== "local")];
  const shown = all.filter((p) => !q || p.toLowerCase().includes(q.toLowerCase()) || label(p).toLowerCase().includes(q.toLowerCase()));
  const url = GATEWAY.exec(q)?.[1]; // a Jupyter Server / Kernel Gateway URL (remote/gateway.py)
  if (url) {
    if (!all.includes(`gateway:${url}`)) shown.push(`gateway:${url}`);
    return shown.map((place) => ({ place, label: label(place) }));
  }
  const typed = q.startsWith("ssh:") ? q.slice(4) : q;
  if (typed && !typed.startsWith("-") && HOST.test(typed) && !all.includes(`ssh:${typed}`) && typed !== "local") {
    shown.push(`ssh:${typed}`);
  }
  return shown.map((place) => ({ place, label: label(place) }));
}

interface RunOnProps {
  current: string;
  recent: readonly string[];
  /** `token`: asked for a gateway not used before (kept in the user's config dir by the server) */
  choose(place: string, token?: string): void;
  close(): void;
}

export function RunOnDialog({ current, recent, choose, close }: RunOnProps) {
  const [query, setQuery] = useState("");
  const [active, setActive] = useState(0);
  const input = useRef<HTMLInputElement>(null);
  const shown = useMemo(() => runOnChoices(query, recent), [query, recent]);
  useLayoutEffect(() => input.current?.focus(), []);

  const pick = (c: PlaceChoice | undefined) => {
    if (!c) return;
    if (c.place.startsWith("gateway:") && c.place !== current && !recent.includes(c.place)) {
      const token = window.prompt(`Token for ${c.place.slice(8)} (empty: none)`, "");
      if (token === null) return;
      close();
      choose(c.place, token);
      return;
    }
    close();
    if (c.place !== current) choose(c.place);
  };
  const onKey = (e: KeyboardEvent) => onPickerKey(e, { count: shown.length, setActive, take: () => pick(shown[active]), close });

  return (
    <div class="palette-backdrop" onMouseDown={(e) => e.target === e.currentTarget && close()}>
      <div class="palette" role="dialog" aria-label="Run on">
        <input
          ref={input}
          class="palette-input"
          placeholder="Run the kernel on… (a host of your SSH config, or a Jupyter gateway URL)"
          value={query}
          onInput={(e) => {
            setQuery((e.target as HTMLInputElement).value);
            setActive(0);
          }}
          onKeyDown={onKey}
          aria-label="Run on"
          spellcheck={false}
        />
        <ul class="palette-list" role="listbox">
          {shown.map((c, i) => (
            <li
              key={c.place}
              class={`palette-item ${i === active ? "active" : ""}`}
              role="option"
              aria-selected={i === active}
              data-place={c.place}
              onMouseEnter={() => setActive(i)}
              onMouseDown={(e) => {
                e.preventDefault();
                pick(c);
              }}
            >
              <span class="palette-title">{c.label}</span>
              {c.place === current ? <kbd class="palette-keys">now</kbd> : null}
            </li>
          ))}
          {shown.length === 0 && <li class="palette-empty">Type a host name from your SSH config</li>}
        </ul>
      </div>
    </div>
  );
}
