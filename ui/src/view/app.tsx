// The page: top bar, the notebook column, the side panel, notices.

import { exportNotebook } from "../exporting";
import { ExportNotice } from "./exportNotice";
import { useStoreState } from "./useStoreState";
import { useCallback, useEffect, useMemo, useRef, useState } from "preact/hooks";
import type { Controller } from "../controller";
import { commandKey, globalKey, type Command } from "../keys";
import { COMMANDS, type CommandSpec } from "../palette/registry";
import { CommandPalette } from "../palette/palette";
import { RunOnDialog } from "../palette/runOn";
import { FindBar } from "../find/findBar";
import { interruptGraceMs } from "../kernelTrouble";
import { ancestors, descendants, humanizeCellIds, type State } from "../store";
import { toggleTheme } from "../theme";
import { CellList, useStableMap } from "./cellList";
import { UiContext, type Ui } from "./context";
import { Icon } from "./icons";
import { SidePanel, type PanelTab } from "./panels";
import { BackgroundKernelBar } from "./backgroundKernelBar";
import { SecretDialog } from "../secrets/secretDialog";
import { TrustBar } from "./trustBar";
import { SettingsPage, useSettings } from "./settings";
import { effectiveOutputPosition } from "../settings";
import { userSettings } from "../settingsEffects";
import { listenShellCommands, type View } from "../shellCommands";
import { listenPageCommand } from "../pageCommand";
import { popOutCell } from "../popout/button";

const LS_PANEL = "reflow.panel";

function lsGet(k: string): string | null {
  try {
    return localStorage.getItem(k);
  } catch {
    return null;
  }
}
function lsSet(k: string, v: string | null) {
  try {
    if (v === null) localStorage.removeItem(k);
    else localStorage.setItem(k, v);
  } catch {
    /* ignore */
  }
}

export function App({ controller, retry }: { controller: Controller; retry(): void }) {
  const s = useStoreState(controller.store);
  const ctl = controller;
  const [panel, setPanel] = useState<PanelTab | null>(() => {
    const v = lsGet(LS_PANEL);
    return v === "variables" || v === "deps" || v === "packages" || v === "keys" ? v : v === "none" ? null : "variables";
  });
  const user = useSettings(userSettings);
  const [settingsOpen, setSettingsOpen] = useState(false);
  const [view, setView] = useState<View>("code");
  const viewRef = useRef(view); // for the key handler: no editing commands in the app view
  viewRef.current = view;
  const pending = useRef("");
  const pendingTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const [paletteOpen, setPaletteOpen] = useState(false);
  const [runOnOpen, setRunOnOpen] = useState(false); // "Run on...": where the kernel runs
  const [findOpen, setFindOpen] = useState(false);
  const [moreOpen, setMoreOpen] = useState(false);
  // an interrupt the running code did not obey (it catches KeyboardInterrupt): offer a restart
  const [interruptedAt, setInterruptedAt] = useState<number | null>(null);
  const [interruptStuck, setInterruptStuck] = useState(false);

  // the notebook's [tool.reflow] output, else the user's default (Settings)
  const outputAbove = effectiveOutputPosition(s.config, userSettings.loaded ? user : null) === "above";
  const appView = view === "app" && !s.readOnly; // View ▸ App View: outputs only

  // the desktop shell's menus (docs/protocol.md "Shell commands")
  useEffect(
    () =>
      listenShellCommands(window, {
        open_settings: () => setSettingsOpen(true),
        set_theme: (theme) => userSettings.receive({ ...userSettings.value, theme }), // already saved by the shell
        set_view: setView,
        save: () => execRef.current("save"),
        run_all: () => execRef.current("run-all"),
        show_shortcuts: () => execRef.current("help"),
        pop_out: () => execRef.current("pop-out"),
        goto_cell: (id) => ui.goto(id), // a run-finished notification was clicked (shell/run_alerts.py)
      }),
    [ctl],
  );

  // Edit ▸ Format Notebook in the desktop's menu: the palette's command (pending edits are sent first)
  useEffect(() => listenPageCommand(window, "format_notebook", () => execRef.current("format-notebook")), []);

  const openPanel = (t: PanelTab | null) => {
    setPanel(t);
    lsSet(LS_PANEL, t ?? "none");
  };

  // ---- ui context -------------------------------------------------------------------
  const ui: Ui = useMemo(
    () => ({
      controller,
      label: (id: string) => {
        const i = positionOf(controller.store.get().order, id);
        return i < 0 ? "a deleted cell" : `cell ${i + 1}`;
      },
      humanize: (text: string) => humanizeCellIds(text, controller.store.get().order),
      goto: (id: string) => {
        if (!controller.store.get().cells[id]) return;
        controller.store.local({ type: "select", id, editing: false });
        const el = document.getElementById(`cell-${id}`);
        if (el) {
          el.scrollIntoView({ block: "center", behavior: "smooth" });
          el.classList.remove("flash");
          void el.offsetWidth;
          el.classList.add("flash");
        }
      },
    }),
    [controller],
  );

  // ---- keep the selected cell in view ----
  useEffect(() => {
    if (!s.selected) return;
    const el = document.getElementById(`cell-${s.selected}`);
    if (!el) return;
    const r = el.getBoundingClientRect();
    const top = 64;
    if (r.top < top || r.top > window.innerHeight - 40) el.scrollIntoView({ block: r.height > window.innerHeight - top ? "start" : "nearest" });
  }, [s.selected]);

  // ---- commands (palette/registry.ts): keys, palette, the header's menu and buttons ----
  const live = useRef({ panel, outputAbove });
  live.current = { panel, outputAbove };

  const interrupt = useCallback(() => {
    ctl.interrupt();
    const st = ctl.store.get();
    const busyNow = st.kernel.state === "busy" || st.order.some((id) => st.cells[id]?.status === "running");
    if (busyNow) setInterruptedAt((t) => t ?? Date.now());
  }, [ctl]);

  const exec = useCallback(
    (cmd: Command): boolean => {
      const st = ctl.store.get();
      const sel = st.selected;
      const i = sel ? st.order.indexOf(sel) : -1;
      const ro = st.readOnly || viewRef.current === "app";
      switch (cmd) {
        case "next":
        case "prev": {
          const j = cmd === "next" ? Math.min(i + 1, st.order.length - 1) : Math.max(i - 1, 0);
          if (st.order[j]) ctl.store.local({ type: "select", id: st.order[j], editing: false });
          return true;
        }
        case "first":
        case "last": {
          const id = cmd === "first" ? st.order[0] : st.order[st.order.length - 1];
          if (id) ctl.store.local({ type: "select", id, editing: false });
          return true;
        }
        case "help":
          openPanel("keys");
          return true;
        case "save":
          ctl.save();
          return true;
        case "interrupt":
          interrupt();
          return true;
        case "palette":
          setMoreOpen(false);
          setPaletteOpen(true);
          return true;
        case "find":
          setMoreOpen(false);
          setFindOpen(true);
          return true;
        case "toggle-theme":
          userSettings.set({ theme: toggleTheme() });
          return true;
        case "open-settings":
          setSettingsOpen(true);
          return true;
        case "pop-out":
          return popOutCell(st.session, sel);
        case "export-html":
        case "export-ipynb":
        case "export-pdf":
          if (st.session !== null) exportNotebook(st.session, cmd === "export-html" ? "html" : cmd === "export-ipynb" ? "ipynb" : "pdf");
          return st.session !== null;
      }
      if (ro) return false;
      switch (cmd) {
        case "add-above":
        case "add-below":
          ctl.addCell(sel, cmd === "add-above" ? "above" : "below");
          return true;
        case "edit":
          if (sel) ctl.store.local({ type: "select", id: sel, editing: true });
          return true;
        case "delete":
          if (sel) ctl.deleteCell(sel);
          return true;
        case "undo-delete":
          return ctl.undoDelete();
        case "run":
          if (sel) ctl.run([sel]);
          return true;
        case "run-and-next":
          if (sel) ctl.runAndNext(sel);
          return true;
        case "run-all":
          if (st.order.some((id) => st.cells[id]?.status === "stale")) ctl.runStale();
          else ctl.runAll();
          return true;
        case "restart":
          ctl.restart();
          return true;
        case "run-on":
          ctl.placesGet(); // the recent places arrive as a `place` message while the dialog is open
          setRunOnOpen(true);
          return true;
        case "to-markdown":
        case "to-code":
          if (sel) ctl.setKind(sel, cmd === "to-markdown" ? "markdown" : "code");
          return true;
        case "move-up":
        case "move-down":
          if (sel) ctl.moveCell(sel, cmd === "move-up" ? -1 : 1);
          return true;
        case "toggle-code":
          if (sel && st.cells[sel]?.kind === "code") ctl.setOptions(sel, { hide_code: st.cells[sel].options.hide_code !== true });
          return true;
        case "mode-auto":
        case "mode-lazy":
          ctl.setMode(cmd === "mode-auto" ? "auto" : "lazy");
          return true;
        case "toggle-output-position":
          ctl.setNotebookConfig({ output: live.current.outputAbove ? "below" : "above" });
          return true;
        case "toggle-panel":
          openPanel(live.current.panel ? null : "variables");
          return true;
        case "format-cell":
          if (sel) ctl.formatCells([sel]);
          return !!sel;
        case "format-notebook":
          ctl.formatCells(null);
          return true;
        case "add-sql":
          ctl.addSqlCell(sel);
          return true;
        case "toggle-sql":
          if (sel) ctl.toggleSql(sel);
          return !!sel;
      }
      return false;
    },
    [ctl, interrupt],
  );
  const execRef = useRef(exec);
  execRef.current = exec;

  // keys the page takes everywhere, before an editor sees them (palette, notebook find, save)
  useEffect(() => {
    const onGlobal = (e: KeyboardEvent) => {
      if (e.isComposing) return;
      const cmd = globalKey({ key: e.key, ctrl: e.ctrlKey, meta: e.metaKey, shift: e.shiftKey, alt: e.altKey, code: e.code });
      if (cmd && exec(cmd)) {
        e.preventDefault();
        e.stopPropagation();
      }
    };
    window.addEventListener("keydown", onGlobal, true);
    return () => window.removeEventListener("keydown", onGlobal, true);
  }, [exec]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement | null;
      const inEditor = !!t?.closest?.(".cm-editor");
      const inField = !!t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT" || t.isContentEditable);
      if (inEditor || inField || e.isComposing || e.defaultPrevented) return;
      if (e.key === "Escape") {
        pending.current = "";
        return;
      }
      const r = commandKey({ key: e.key, ctrl: e.ctrlKey, meta: e.metaKey, shift: e.shiftKey, alt: e.altKey, code: e.code }, pending.current);
      pending.current = r.pending;
      if (pendingTimer.current) clearTimeout(pendingTimer.current);
      if (r.pending) pendingTimer.current = setTimeout(() => (pending.current = ""), 900);
      if (r.command && exec(r.command)) e.preventDefault();
      else if (r.pending) e.preventDefault();
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [exec]);

  // ---- derived ----
  // a stable map: typing (new cells object, same graph) must not re-render the cell list
  const related = useStableMap(
    useMemo(() => {
      const m = new Map<string, "ancestor" | "descendant">();
      if (!s.selected || !panel || panel !== "deps") return m;
      for (const a of ancestors(s, s.selected)) m.set(a, "ancestor");
      for (const d of descendants(s, s.selected)) m.set(d, "descendant");
      return m;
    }, [s.cells, s.selected, panel]),
  );

  const counts = useMemo(() => {
    let running = 0, queued = 0, stale = 0, errors = 0;
    for (const id of s.order) {
      const c = s.cells[id];
      if (c.status === "running") running++;
      else if (c.status === "queued") queued++;
      else if (c.status === "stale") stale++;
      else if (c.status === "error") errors++;
    }
    return { running, queued, stale, errors };
  }, [s.cells, s.order]);

  // ---- an interrupt that did not take: after a grace period, offer a restart ----
  const stillBusy = s.kernel.state === "busy" || counts.running > 0;
  useEffect(() => {
    if (!stillBusy || s.kernel.state === "dead" || s.kernel.state === "restarting" || s.kernel.state === "starting") {
      setInterruptedAt(null);
      setInterruptStuck(false);
    }
  }, [stillBusy, s.kernel.state]);
  useEffect(() => {
    if (interruptedAt === null) return;
    const t = setTimeout(() => setInterruptStuck(true), interruptGraceMs());
    return () => clearTimeout(t);
  }, [interruptedAt]);

  if (s.fatal) {
    return (
      <div class="fatal">
        <div class="fatal-card">
          <Icon name="alert" size={28} />
          <h2>Reflow cannot talk to this server</h2>
          <p>{s.fatal}</p>
        </div>
      </div>
    );
  }

  const busy = s.kernel.state === "busy" || counts.running > 0 || counts.queued > 0;
  const title = s.name || (s.path ? s.path.split(/[\\/]/).pop() : "") || "Untitled";
  const unsaved = Object.keys(s.unsynced).length > 0;
  const crashedAt = s.crashedCell ? s.order.indexOf(s.crashedCell) : -1;
  const editable = !s.readOnly && !appView;
  const paletteCommands = COMMANDS.filter((c) => editable || !c.edits);
  const menuCommands = paletteCommands.filter((c) => c.menu);

  return (
    <UiContext.Provider value={ui}>
      <div class={`app ${s.readOnly ? "read-only" : ""} ${panel ? "with-panel" : ""}`} data-connection={s.connection} data-testid="app">
        <header class="topbar">
          <div class="brand" title="Reflow">
            <svg width="22" height="22" viewBox="0 0 32 32" aria-hidden="true">
              <rect width="32" height="32" rx="8" fill="var(--accent)" />
              <path d="M9 21c3-9 11-9 14-2M23 11v8h-8" stroke="white" stroke-width="3" fill="none" stroke-linecap="round" stroke-linejoin="round" />
            </svg>
          </div>
          <div class="doc-title">
            <span class="name" title={s.path ?? title} data-testid="notebook-title">
              {title}
            </span>
            {!s.readOnly && <span class={`save-state ${unsaved ? "dirty" : ""}`} data-testid="save-state">{unsaved ? "editing…" : s.savedAt ? "saved" : ""}</span>}
            {s.readOnly && <span class="badge">app view</span>}
          </div>
          <div class="spacer" />
          {!s.readOnly && (
            <>
              <div class="segmented wide-only" role="group" aria-label="Runtime mode" title="Auto: dependent cells re-run. Lazy: they are marked stale.">
                <button class={s.mode === "auto" ? "on" : ""} onClick={() => ctl.setMode("auto")} aria-pressed={s.mode === "auto"} data-testid="mode-auto">
                  Auto
                </button>
                <button class={s.mode === "lazy" ? "on" : ""} onClick={() => ctl.setMode("lazy")} aria-pressed={s.mode === "lazy"} data-testid="mode-lazy">
                  Lazy
                </button>
              </div>
              <button class="btn" onClick={() => exec("run-all")} title={counts.stale ? "Run stale cells" : "Run all cells"} data-action="run-all" data-testid="run-all">
                <Icon name="playAll" size={14} />
                <span class="btn-label">{counts.stale ? `Run stale (${counts.stale})` : "Run all"}</span>
              </button>
            </>
          )}
          <button class="btn" disabled={!busy} onClick={interrupt} title="Interrupt (ii)" data-action="interrupt" data-testid="interrupt">
            <Icon name="stop" size={13} />
            <span class="btn-label">Interrupt</span>
          </button>
          {!s.readOnly && (
            <button class="btn wide-only" onClick={() => ctl.restart()} title="Restart the kernel: code stays, outputs are cleared" data-action="restart" data-testid="restart">
              <Icon name="restart" size={15} />
              Restart
            </button>
          )}
          <KernelBadge state={s} />
          <div class="sep" />
          {!s.readOnly && (
            <button
              class="icon-btn roomy-only"
              title={outputAbove ? "Outputs above code (click: below)" : "Outputs below code (click: above)"}
              onClick={() => ctl.setNotebookConfig({ output: outputAbove ? "below" : "above" })}
            >
              <Icon name={outputAbove ? "layoutAbove" : "layoutBelow"} size={17} />
            </button>
          )}
          <ThemeButton />
          <button class={`icon-btn wide-only ${settingsOpen ? "on" : ""}`} title="Settings" aria-label="Settings" onClick={() => setSettingsOpen(true)} data-action="settings">
            <Icon name="gear" size={17} />
          </button>
          {s.session !== null && <ExportButtons session={s.session} />}
          {!s.readOnly && (
            <button class="icon-btn wide-only" title="Save (Ctrl/⌘-S)" onClick={() => ctl.save()}>
              <Icon name="save" size={17} />
            </button>
          )}
          {!s.readOnly && (
            <button class={`icon-btn ${panel ? "on" : ""}`} title="Side panel: variables, dependencies, keys" onClick={() => openPanel(panel ? null : "variables")}>
              <Icon name="panel" size={17} />
            </button>
          )}
          <MoreMenu open={moreOpen} setOpen={setMoreOpen} commands={menuCommands} run={(c) => exec(c.id)} />
        </header>

        {s.connection !== "open" && s.session !== null && (
          <div class="banner warn">
            Connection lost — reconnecting{s.reconnectAttempt > 1 ? ` (attempt ${s.reconnectAttempt})` : ""}…
            <button class="link" onClick={retry}>
              Retry now
            </button>
          </div>
        )}
        <TrustBar trust={s.trust} />
        <BackgroundKernelBar pid={s.backgroundKernel} readOnly={s.readOnly} />
        <SecretDialog request={s.secretRequest} send={(msg) => ctl.transport.send(msg)} />
        <div class="under-bar">
            {s.kernel.state === "dead" && s.trust?.status !== "untrusted" && s.backgroundKernel === null && (
              <div class="banner error" data-banner="kernel-dead">
                <Icon name="alert" size={15} /> {deadText(s.kernel.message)}
                {crashedAt >= 0 && (
                  <button class="link" onClick={() => ui.goto(s.crashedCell!)} data-action="goto-crashed">
                    It was running cell {crashedAt + 1}
                  </button>
                )}
                {!s.readOnly && (
                  <button class="btn small" onClick={() => ctl.restart()} data-action="restart-dead">
                    Restart kernel
                  </button>
                )}
              </div>
            )}
            {interruptStuck && s.kernel.state !== "dead" && (
              <div class="banner warn" data-banner="interrupt-stuck" role="alert">
                <Icon name="alert" size={15} /> The running code did not stop after Interrupt (it may catch KeyboardInterrupt).
                <button class="btn small" onClick={() => ctl.restart()} data-action="restart-stuck">
                  Restart kernel
                </button>
              </div>
            )}
          {findOpen && <FindBar controller={ctl} state={s} close={() => setFindOpen(false)} />}
        </div>

        <div class="main">
          <main class="notebook" aria-label="Notebook" data-testid="notebook">
            {s.session === null && <Loading state={s} />}
            {s.session !== null && s.order.length === 0 && !s.readOnly && (
              <div class="empty-notebook">
                <p>This notebook has no cells.</p>
                <button class="btn primary" onClick={() => ctl.addCell(null, "below")}>
                  <Icon name="plus" size={14} /> Add a code cell
                </button>
              </div>
            )}
            <CellList
              order={s.order}
              selected={s.selected}
              editing={s.editing}
              readOnly={s.readOnly}
              appView={appView}
              outputAbove={outputAbove}
              related={related}
              crashedCell={s.crashedCell}
            />
            <div class="notebook-end" />
          </main>
          {panel && !s.readOnly && <SidePanel state={s} tab={panel} setTab={openPanel} />}
        </div>

        {paletteOpen && <CommandPalette commands={paletteCommands} run={(c) => exec(c.id)} close={() => setPaletteOpen(false)} />}
        {runOnOpen && (
          <RunOnDialog current={s.place?.place ?? "local"} recent={s.place?.recent ?? []} choose={(p, token) => ctl.runOn(p, token)} close={() => setRunOnOpen(false)} />
        )}
        {settingsOpen && <SettingsPage state={s} controller={ctl} hub={userSettings} onClose={() => setSettingsOpen(false)} />}

        <div class="toasts" aria-live="polite">
          <ExportNotice session={s.session} />
          {s.notices.map((n) => (
            <Toast key={n.id} id={n.id} level={n.level} text={n.text} undo={n.undo} ctl={ctl} />
          ))}
        </div>
      </div>
    </UiContext.Provider>
  );
}

function KernelBadge({ state }: { state: State }) {
  const k = state.kernel.state;
  const conn = state.connection;
  const label = conn !== "open" && state.session !== null ? "offline" : k;
  const where = state.place && state.place.place !== "local" ? state.place.label : null; // "on gpu-box"
  // safe preview: the kernel was never started, nothing failed -- not the red "dead" of a crash
  const preview = label === "dead" && state.trust?.status === "untrusted";
  return (
    <span
      class={`kernel k-${preview ? "preview" : label}`}
      title={state.kernel.message ?? `Kernel: ${label}${where ? ` ${where}` : ""}`}
      data-kernel={label}
      data-testid="kernel-status"
    >
      <span class="dot" />
      {preview ? "not started" : label}
      {where && (
        <span class="kernel-place" data-place={state.place?.place}>
          {" "}
          {where}
        </span>
      )}
    </span>
  );
}

function Toast({ id, level, text, undo, ctl }: { id: number; level: string; text: string; undo?: boolean; ctl: Controller }) {
  useEffect(() => {
    const t = setTimeout(() => ctl.store.local({ type: "dismiss", id }), undo ? 8000 : level === "error" ? 12000 : 5000);
    return () => clearTimeout(t);
  }, [id]);
  return (
    <div class={`toast ${level}`} role={level === "error" ? "alert" : "status"} data-testid="notice">
      <span>{text}</span>
      {undo && (
        <button class="link" onClick={() => ctl.undoDelete()}>
          Undo
        </button>
      )}
      <button class="toast-x" onClick={() => ctl.store.local({ type: "dismiss", id })} aria-label="Dismiss">
        <Icon name="x" size={13} />
      </button>
    </div>
  );
}

function Loading({ state }: { state: State }) {
  return (
    <div class="loading">
      <span class="spinner big" />
      <span>{state.connection === "reconnecting" ? `Connecting to Reflow (attempt ${state.reconnectAttempt})…` : "Connecting to Reflow…"}</span>
    </div>
  );
}

function deadText(message?: string): string {
  const m = (message ?? "").trim().replace(/\.+$/, ".");
  const base = m ? (/died|crash|exit/i.test(m) ? m : `The kernel died: ${m}`) : "The kernel died.";
  return /code is safe/i.test(base) ? base : `${base.replace(/\.?$/, ".")} Your code is safe.`;
}

// cell id → display index, rebuilt only when the order array changes
let posOrder: string[] | null = null;
let posMap = new Map<string, number>();
function positionOf(order: string[], id: string): number {
  if (order !== posOrder) {
    posOrder = order;
    posMap = new Map(order.map((x, i) => [x, i]));
  }
  return posMap.get(id) ?? -1;
}

function ThemeButton() {
  const [dark, setDark] = useState(() => document.documentElement.dataset.theme === "dark");
  useEffect(() => {
    // the OS may switch while the page is open
    const mo = new MutationObserver(() => setDark(document.documentElement.dataset.theme === "dark"));
    mo.observe(document.documentElement, { attributes: true, attributeFilter: ["data-theme"] });
    return () => mo.disconnect();
  }, []);
  return (
    <button class="icon-btn roomy-only" title="Light / dark theme" aria-label={dark ? "Switch to light theme" : "Switch to dark theme"} onClick={() => userSettings.set({ theme: toggleTheme() })}>
      <Icon name={dark ? "sun" : "moon"} size={17} />
    </button>
  );
}

/** One click exports what the page shows: a self-contained HTML page or a Jupyter notebook. */
function ExportButtons({ session }: { session: string }) {
  return (
    <div class="segmented roomy-only" role="group" aria-label="Export">
      <button onClick={() => exportNotebook(session, "html")} title="Export a self-contained HTML page (works offline)" data-action="export-html">
        HTML
      </button>
      <button onClick={() => exportNotebook(session, "ipynb")} title="Export a Jupyter notebook (.ipynb) with outputs" data-action="export-ipynb">
        .ipynb
      </button>
      <button onClick={() => exportNotebook(session, "pdf")} title="Export a PDF (page breaks between cells)" data-action="export-pdf">
        PDF
      </button>
    </div>
  );
}

/** The header's "⋯" menu: the less-used commands, always reachable however narrow the window. */
function MoreMenu({ open, setOpen, commands, run }: { open: boolean; setOpen(o: boolean): void; commands: CommandSpec[]; run(c: CommandSpec): void }) {
  const root = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const away = (e: MouseEvent) => {
      if (!root.current?.contains(e.target as Node)) setOpen(false);
    };
    const esc = (e: KeyboardEvent) => e.key === "Escape" && setOpen(false);
    document.addEventListener("mousedown", away);
    document.addEventListener("keydown", esc);
    return () => {
      document.removeEventListener("mousedown", away);
      document.removeEventListener("keydown", esc);
    };
  }, [open]);
  return (
    <div class="more" ref={root}>
      <button class={`icon-btn ${open ? "on" : ""}`} title="More commands" aria-label="More commands" aria-haspopup="menu" aria-expanded={open} onClick={() => setOpen(!open)} data-action="more">
        ⋯
      </button>
      {open && (
        <div class="more-menu" role="menu">
          {commands.map((c) => (
            <button
              key={c.id}
              role="menuitem"
              class="more-item"
              data-command={c.id}
              onClick={() => {
                setOpen(false);
                run(c);
              }}
            >
              {c.title}
            </button>
          ))}
        </div>
      )}
    </div>
  );
}
