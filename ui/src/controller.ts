// User intentions → local state changes + protocol messages. The only place
// that both changes the store and talks to the server.

import type { Transport } from "./connection";
import { newRequestId } from "./connection";
import type { CellChange, CellKind, CellOptions, CompleteReplyMsg, InspectReplyMsg, OutputPosition, RuntimeMode } from "./protocol";
import { freeSqlName, isSql } from "./sqlCells";
import { TransactionError } from "./store";
import type { Store } from "./storeHub";

function newCellId(): string {
  const r = Math.random().toString(36).slice(2, 8);
  return `u${Date.now().toString(36).slice(-4)}${r}`;
}

const EDIT_DEBOUNCE_MS = 350;

export class Controller {
  private editTimers = new Map<string, ReturnType<typeof setTimeout>>();
  constructor(
    readonly store: Store,
    readonly transport: Transport,
  ) {
    // the page missed a transaction (or one did not fit): the server sends the cells again
    store.onResync = () => transport.send({ type: "resync" });
  }

  private get s() {
    return this.store.get();
  }
  private get canEdit() {
    return !this.s.readOnly && !this.s.fatal;
  }

  // ---- code ----
  editCode(id: string, code: string): void {
    if (!this.canEdit) return;
    this.store.localAfterFrame({ type: "edit_code", id, code }); // the editor shows the key already
    const t = this.editTimers.get(id);
    if (t) clearTimeout(t);
    this.editTimers.set(
      id,
      setTimeout(() => this.flushEdit(id), EDIT_DEBOUNCE_MS),
    );
  }

  private flushEdit(id: string): void {
    const t = this.editTimers.get(id);
    if (t) clearTimeout(t);
    this.editTimers.delete(id);
    const c = this.s.cells[id];
    if (!c || !this.s.unsynced[id]) return;
    this.transport.send({ type: "edit", id, code: c.code });
    this.store.local({ type: "synced", ids: [id] });
  }

  flushEdits(except: string[] = []): void {
    for (const id of Object.keys(this.s.unsynced)) if (!except.includes(id)) this.flushEdit(id);
  }

  run(ids: string[]): void {
    if (!this.canEdit) return;
    const cells = ids.map((id) => this.s.cells[id]).filter((c) => !!c);
    if (!cells.length) return;
    for (const c of cells) {
      const t = this.editTimers.get(c.id);
      if (t) clearTimeout(t);
      this.editTimers.delete(c.id);
    }
    this.flushEdits(cells.map((c) => c.id));
    const code = cells.filter((c) => c.kind === "code");
    const md = cells.filter((c) => c.kind === "markdown");
    // markdown renders locally; the server only stores its text
    for (const c of md) if (this.s.unsynced[c.id] || c.code !== c.ranCode) this.transport.send({ type: "edit", id: c.id, code: c.code });
    if (code.length) this.transport.send({ type: "run", cells: code.map((c) => ({ id: c.id, code: c.code })) });
    this.store.local({ type: "ran", ids: cells.map((c) => c.id) });
  }

  runAll(): void {
    if (!this.canEdit) return;
    this.flushEdits();
    this.transport.send({ type: "run_all" });
  }
  runStale(): void {
    if (!this.canEdit) return;
    this.flushEdits();
    this.transport.send({ type: "run_stale" });
  }

  /** Shift-Enter: run, then select the next cell (a new one at the end). */
  runAndNext(id: string): void {
    this.run([id]);
    const order = this.s.order;
    const i = order.indexOf(id);
    if (i < 0) return;
    if (i === order.length - 1) this.addCell(id, "below", "code", true);
    else this.store.local({ type: "select", id: order[i + 1], editing: this.s.editing });
  }

  // ---- structure ----
  addCell(relativeTo: string | null, where: "above" | "below", kind: CellKind = "code", edit = true, code = ""): string | null {
    if (!this.canEdit) return null;
    const order = this.s.order;
    let index = order.length;
    if (relativeTo !== null) {
      const i = order.indexOf(relativeTo);
      if (i >= 0) index = where === "above" ? i : i + 1;
    }
    const id = newCellId();
    this.store.local({ type: "create_cell", id, index, kind, code });
    this.transport.send({ type: "create_cell", id, index, kind, code });
    this.store.local({ type: "select", id, editing: edit });
    return id;
  }

  deleteCell(id: string): void {
    if (!this.canEdit || !this.s.cells[id]) return;
    const t = this.editTimers.get(id);
    if (t) clearTimeout(t);
    this.editTimers.delete(id);
    this.store.local({ type: "delete_cell", id });
    this.transport.send({ type: "delete_cell", id });
  }

  undoDelete(): boolean {
    if (!this.canEdit) return false;
    const last = this.s.deleted[this.s.deleted.length - 1];
    if (!last) return false;
    const id = newCellId();
    this.store.local({ type: "undo_delete", newId: id });
    const index = this.s.order.indexOf(id);
    this.transport.send({ type: "create_cell", id, index, kind: last.cell.kind, code: last.cell.code });
    if (Object.keys(last.cell.options).length) this.transport.send({ type: "set_options", id, options: last.cell.options });
    if (last.cell.kind === "code" && this.s.mode === "auto" && last.cell.code.trim() && last.cell.options.disabled !== true) {
      this.transport.send({ type: "run", cells: [{ id, code: last.cell.code }] });
      this.store.local({ type: "ran", ids: [id] });
    }
    return true;
  }

  moveCell(id: string, delta: number): void {
    if (!this.canEdit) return;
    const i = this.s.order.indexOf(id);
    const to = i + delta;
    if (i < 0 || to < 0 || to >= this.s.order.length) return;
    this.store.local({ type: "move_cell", id, index: to });
    this.transport.send({ type: "move_cell", id, index: to });
  }

  /** Format cells with ruff on the server (null: every Python cell); the result arrives as a transaction. */
  formatCells(ids: string[] | null): void {
    if (!this.canEdit) return;
    this.flushEdits(); // the server formats what it has: send what was typed first
    this.transport.send(ids === null ? { type: "format_cells" } : { type: "format_cells", ids });
  }

  /** A new SQL cell below `relativeTo`, its result bound to the first free name df1, df2... */
  addSqlCell(relativeTo: string | null): string | null {
    const id = this.addCell(relativeTo, "below", "code", true);
    if (id !== null) this.setOptions(id, { language: "sql", name: freeSqlName(this.s) });
    return id;
  }

  /** A code cell becomes an SQL cell (result name df1...), an SQL cell a Python one; the text stays. */
  toggleSql(id: string): void {
    const c = this.s.cells[id];
    if (!c || c.kind !== "code") return;
    this.flushEdits();
    if (isSql(c.options)) this.setOptions(id, { language: null, name: null, output: null });
    else this.setOptions(id, { language: "sql", name: freeSqlName(this.s) });
  }

  setOptions(id: string, options: CellOptions): void {
    if (!this.canEdit) return;
    this.store.local({ type: "set_options", id, options });
    this.transport.send({ type: "set_options", id, options });
  }

  /** Code ↔ markdown in place: the cell keeps its id, its outputs and its place. */
  setKind(id: string, kind: CellKind): void {
    const c = this.s.cells[id];
    if (!this.canEdit || !c || c.kind === kind) return;
    this.flushEdits();
    this.store.local({ type: "set_kind", id, kind });
    this.transport.send({ type: "set_kind", id, kind });
  }

  /** Several structural changes at once, all or none, here and on the server (same transaction). */
  transaction(changes: CellChange[]): boolean {
    if (!this.canEdit || !changes.length) return false;
    this.flushEdits();
    try {
      this.store.local({ type: "transaction", tx: { source: "ui", changes } });
    } catch (e) {
      if (!(e instanceof TransactionError)) throw e;
      this.store.local({ type: "notice", level: "error", text: e.message });
      return false;
    }
    this.transport.send({ type: "transaction", changes });
    return true;
  }

  // ---- notebook ----
  setMode(mode: RuntimeMode): void {
    if (!this.canEdit) return;
    this.store.local({ type: "set_mode", mode });
    this.transport.send({ type: "set_mode", mode });
  }
  interrupt(): void {
    this.transport.send({ type: "interrupt" });
  }
  /** "Trust and run": the server signs the notebook, builds its environment and runs it. */
  trust(): void {
    this.transport.send({ type: "trust" });
  }
  restart(): void {
    this.transport.send({ type: "restart" });
  }
  /** "Run on...": move the kernel to `place` ("local", "ssh:HOST"); `placesGet` asks for the recent ones. */
  runOn(place: string, token?: string): void {
    this.transport.send(token === undefined ? { type: "run_on", place } : { type: "run_on", place, token });
  }
  placesGet(): void {
    this.transport.send({ type: "places_get" });
  }
  save(): void {
    if (!this.canEdit) return;
    this.flushEdits();
    this.transport.send({ type: "save" });
  }

  // ---- packages (the notebook's PEP 723 block, edited by uv on the server) ----
  packagesGet(): void {
    this.transport.send({ type: "packages_get" });
  }
  /** Saves pending edits first (the server saves before uv edits the file); `rerun`: cells to run after. */
  addPackage(requirement: string, rerun?: string[]): void {
    const req = requirement.trim();
    if (!this.canEdit || !req) return;
    this.flushEdits();
    this.store.local({ type: "packages_pending", what: `Adding ${req}` });
    this.transport.send(rerun?.length ? { type: "package_add", requirement: req, rerun } : { type: "package_add", requirement: req });
  }
  removePackage(name: string): void {
    if (!this.canEdit) return;
    this.flushEdits();
    this.store.local({ type: "packages_pending", what: `Removing ${name}` });
    this.transport.send({ type: "package_remove", name });
  }
  lockPackages(): void {
    if (!this.canEdit) return;
    this.flushEdits();
    this.store.local({ type: "packages_pending", what: "Locking" });
    this.transport.send({ type: "packages_lock" });
  }
  rebuildEnvironment(): void {
    if (!this.canEdit) return;
    this.store.local({ type: "packages_pending", what: "Rebuilding" });
    this.transport.send({ type: "env_rebuild" });
  }

  /** The notebook's own settings ([tool.reflow] output / runtime), saved into its file. */
  setNotebookConfig(cfg: { output?: OutputPosition; runtime?: RuntimeMode }): void {
    if (!this.canEdit) return;
    this.store.local({ type: "notebook_config", ...cfg });
    this.transport.send({ type: "set_notebook_config", ...cfg });
  }
  /** Delete persistent_cache results: one cell's, or the whole notebook's (no id). */
  clearCache(id?: string): void {
    if (!this.canEdit) return;
    this.transport.send(id ? { type: "clear_cache", id } : { type: "clear_cache" });
  }

  // ---- kernel help ----
  complete(id: string, code: string, cursor: number): Promise<CompleteReplyMsg | null> {
    return this.transport.request<CompleteReplyMsg>({ type: "complete", request_id: newRequestId(), id, code, cursor });
  }
  inspect(id: string, code: string, cursor: number): Promise<InspectReplyMsg | null> {
    return this.transport.request<InspectReplyMsg>({ type: "inspect", request_id: newRequestId(), id, code, cursor });
  }
}
