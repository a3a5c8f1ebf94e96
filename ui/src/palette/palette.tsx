// The command palette (Ctrl/⌘-Shift-P): every command of the registry with its shortcut,
// filtered as you type; Enter runs the highlighted one, Esc closes.

import { useEffect, useLayoutEffect, useMemo, useRef, useState } from "preact/hooks";
import { fuzzyFilter } from "./fuzzy";
import { onPickerKey } from "./pickerKeys";
import { shortcutLabel, type CommandSpec } from "./registry";

export interface PaletteProps {
  commands: readonly CommandSpec[];
  run(spec: CommandSpec): void;
  close(): void;
}

export function CommandPalette({ commands, run, close }: PaletteProps) {
  const [query, setQuery] = useState("");
  const [active, setActive] = useState(0);
  const input = useRef<HTMLInputElement>(null);
  const list = useRef<HTMLUListElement>(null);
  const shown = useMemo(() => fuzzyFilter(query, commands, (c) => c.title), [query, commands]);

  // Focus before the next key event is handled: keys typed right after Ctrl/⌘-Shift-P must land
  // here, not in the editor that had focus (a passive effect runs too late under load).
  useLayoutEffect(() => input.current?.focus(), []);
  useEffect(() => {
    list.current?.querySelector(".palette-item.active")?.scrollIntoView({ block: "nearest" });
  }, [active]);

  const choose = (spec: CommandSpec | undefined) => {
    if (!spec) return;
    close();
    run(spec);
  };

  const onKey = (e: KeyboardEvent) => onPickerKey(e, { count: shown.length, setActive, take: () => choose(shown[active]), close });

  return (
    <div class="palette-backdrop" onMouseDown={(e) => e.target === e.currentTarget && close()}>
      <div class="palette" role="dialog" aria-label="Command palette">
        <input
          ref={input}
          class="palette-input"
          placeholder="Type a command"
          value={query}
          onInput={(e) => {
            setQuery((e.target as HTMLInputElement).value);
            setActive(0); // with the query, not in an effect an arrow key could overtake
          }}
          onKeyDown={onKey}
          aria-label="Command"
          spellcheck={false}
        />
        <ul class="palette-list" role="listbox" ref={list}>
          {shown.map((c, i) => (
            <li
              key={c.id}
              class={`palette-item ${i === active ? "active" : ""}`}
              role="option"
              aria-selected={i === active}
              data-command={c.id}
              onMouseEnter={() => setActive(i)}
              onMouseDown={(e) => {
                e.preventDefault();
                choose(c);
              }}
            >
              <span class="palette-title">{c.title}</span>
              {c.keys?.length ? <kbd class="palette-keys">{shortcutLabel(c)}</kbd> : null}
            </li>
          ))}
          {shown.length === 0 && <li class="palette-empty">No command matches</li>}
        </ul>
      </div>
    </div>
  );
}
