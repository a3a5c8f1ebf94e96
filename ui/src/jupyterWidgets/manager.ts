// The widget manager (loaded on demand by ./hub): @jupyter-widgets/base-manager's ManagerBase —
// the class @jupyter-widgets/html-manager builds on — with the official base, controls and output
// models, on the kernel's widget comms relayed by the session (`widget_comm` in, `widget_comm_msg`
// out, `widget_comm_idle` when the kernel is done with one). Views render into the app page: the
// controls are the official bundled code, nothing is fetched from elsewhere, and the only notebook-
// supplied HTML they show (the HTML / HTMLMath widgets' value, descriptions with allow_html) is
// sanitised with DOMPurify first.

import baseCss from "@jupyter-widgets/base/css/index.css?inline";
import controlsCss from "@jupyter-widgets/controls/css/widgets.css?inline";
import luminoWidgetCss from "@lumino/widgets/style/widget.css?inline";
import luminoTabBarCss from "@lumino/widgets/style/tabbar.css?inline";
import luminoTabPanelCss from "@lumino/widgets/style/tabpanel.css?inline";
import reflowCss from "./widgets.css?inline";
import * as base from "@jupyter-widgets/base";
import { ManagerBase } from "@jupyter-widgets/base-manager";
import { Widget as LuminoWidget } from "@lumino/widgets";
import DOMPurify from "dompurify";
import type { WidgetCommServerMsg } from "../protocol";
import type { RenderOutputs, Sender, WidgetManagerApi } from "./hub";
import { b64decode, b64encode } from "./buffers";

const MODEL_WAIT_MS = 15_000;
let counter = 0;
const requestId = () => `jw${Date.now().toString(36)}${(++counter).toString(36)}`;

type Callbacks = base.ICallbacks;
type CommMsg = { content: { comm_id: string; data: unknown; target_name?: string }; buffers: DataView[]; metadata: object; parent_header: object; header: object };

class RelayComm implements base.IClassicComm {
  private onMsg: ((msg: CommMsg) => void) | null = null;
  private onClose: ((msg: CommMsg) => void) | null = null;
  private early: CommMsg[] = [];
  private closedEarly: CommMsg | null = null;
  constructor(
    private manager: ReflowWidgetManager,
    readonly comm_id: string,
    readonly target_name: string,
  ) {}

  open(): string {
    return ""; // comms are opened by the kernel only
  }
  send(data: unknown, callbacks?: Callbacks, _metadata?: unknown, buffers?: ArrayBuffer[] | ArrayBufferView[]): string {
    return this.manager.post(this.comm_id, data, callbacks, buffers);
  }
  close(): string {
    return ""; // the kernel owns the widget's life (a re-run replaces it)
  }
  on_msg(callback: (msg: CommMsg) => void): void {
    this.onMsg = callback;
    const early = this.early;
    this.early = [];
    for (const msg of early) callback(msg);
    if (this.closedEarly) this.closed(this.closedEarly);
  }
  on_close(callback: (msg: CommMsg) => void): void {
    this.onClose = callback;
  }
  /** Messages that come while the model is still being made (its class loads) wait for it. */
  deliver(msg: CommMsg): void {
    if (this.onMsg) this.onMsg(msg);
    else this.early.push(msg);
  }
  closed(msg: CommMsg): void {
    if (this.onMsg) this.onClose?.(msg);
    else this.closedEarly = msg;
  }
}

const HTML_VALUE_MODELS = new Set(["HTMLModel", "HTMLMathModel"]);
const clean = (html: unknown) => (typeof html === "string" ? DOMPurify.sanitize(html) : html);

const sanitised = new Map<string, unknown>();

/** A controls model class whose notebook-supplied HTML is sanitised on the way in. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function sanitising(name: string, Model: any): any {
  if (!sanitised.has(name)) sanitised.set(name, sanitisingClass(name, Model));
  return sanitised.get(name);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function sanitisingClass(name: string, Model: any): any {
  return class extends Model {
    set(key: unknown, val?: unknown, options?: unknown): unknown {
      if (typeof key === "object" && key !== null) {
        const attrs = { ...(key as Record<string, unknown>) };
        if (HTML_VALUE_MODELS.has(name) && "value" in attrs) attrs.value = clean(attrs.value);
        const allowHtml = attrs.description_allow_html ?? this.get?.("description_allow_html");
        if (allowHtml && "description" in attrs) attrs.description = clean(attrs.description);
        return super.set(attrs, val);
      }
      if (key === "value" && HTML_VALUE_MODELS.has(name)) val = clean(val);
      if (key === "description" && this.get?.("description_allow_html")) val = clean(val);
      return super.set(key, val, options);
    }
  };
}

/**
 * @jupyter-widgets/controls and jupyter-matplotlib read their own package.json with a CommonJS
 * `require` (their only one), which a browser does not have: while one of them loads (one at a
 * time), a `require` answers just that.
 */
let loadingChain: Promise<unknown> = Promise.resolve();
function withPackageJson<T>(pkg: { name: string; version: string }, load: () => Promise<T>): Promise<T> {
  const run = async (): Promise<T> => {
    const g = globalThis as { require?: unknown };
    const had = "require" in g;
    if (!had)
      g.require = (id: string) => {
        if (id.endsWith("package.json")) return pkg;
        throw new Error(`require(${id}) is not available`);
      };
    try {
      return await load();
    } finally {
      if (!had) delete g.require;
    }
  };
  const result = loadingChain.then(run, run);
  loadingChain = result.catch(() => undefined);
  return result;
}
const importControls = () => withPackageJson({ name: "@jupyter-widgets/controls", version: "5.0.13" }, () => import("@jupyter-widgets/controls"));
const importAnywidget = () => withPackageJson({ name: "anywidget", version: "0.11.0" }, () => import("./anywidget").then((m) => m.anywidgetClasses()));
const importMatplotlib = () => withPackageJson({ name: "jupyter-matplotlib", version: "0.12.0" }, () => import("./matplotlib"));

export class ReflowWidgetManager extends ManagerBase {
  private comms = new Map<string, RelayComm>();
  private waiting = new Map<string, Callbacks>();
  private arrivals = new Map<string, Array<() => void>>();
  /** widget_comm_msg messages sent (tests, benchmarks) */
  sent = 0;
  /** the page's output renderer (the Output widget's view shows its outputs with it) */
  renderOutputs: RenderOutputs | null = null;

  constructor(private sender: () => Sender | null) {
    super();
  }

  receive(msg: WidgetCommServerMsg): void {
    const jmsg: CommMsg = {
      content: { comm_id: msg.comm_id, data: msg.data, target_name: msg.target_name },
      buffers: (msg.buffers ?? []).map(b64decode),
      metadata: msg.metadata ?? {},
      parent_header: msg.parent ? { msg_id: msg.parent } : {},
      header: {},
    };
    if (msg.op === "open") {
      if (msg.target_name !== "jupyter.widget") return;
      const comm = new RelayComm(this, msg.comm_id, msg.target_name);
      this.comms.set(msg.comm_id, comm);
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      this.handle_comm_open(comm, jmsg as any)
        .then(() => this.arrived(msg.comm_id))
        .catch((e: unknown) => console.warn("reflow: widget model failed", e));
    } else if (msg.op === "msg") this.comms.get(msg.comm_id)?.deliver(jmsg);
    else {
      this.comms.get(msg.comm_id)?.closed(jmsg);
      this.comms.delete(msg.comm_id);
    }
  }

  post(commId: string, data: unknown, callbacks: Callbacks | undefined, buffers?: ArrayBuffer[] | ArrayBufferView[]): string {
    const id = requestId();
    const sender = this.sender();
    if (callbacks) this.waiting.set(id, callbacks);
    if (!sender) {
      queueMicrotask(() => this.idle(id));
      return id;
    }
    this.sent += 1;
    const encoded = (buffers ?? []).map(b64encode);
    const body = { type: "widget_comm_msg", comm_id: commId, data: data as Record<string, unknown>, request_id: id } as const;
    sender.send(encoded.length ? { ...body, buffers: encoded } : body);
    return id;
  }

  idle(id: string): void {
    const callbacks = this.waiting.get(id);
    this.waiting.delete(id);
    // what WidgetModel waits for before it sends the next change (one in flight, like Jupyter)
    callbacks?.iopub?.status?.({ content: { execution_state: "idle" } } as never);
  }

  reset(): void {
    for (const id of [...this.waiting.keys()]) this.idle(id);
    this.comms.clear();
    void this.clear_state();
  }

  /** The HTML export: models from a saved widget state document, no kernel behind them. */
  async offline(doc: unknown): Promise<void> {
    const state = (doc as { state?: unknown } | null)?.state;
    if (typeof state !== "object" || state === null) return;
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    await this.set_state(doc as any).catch((e: unknown) => console.warn("reflow: widget state", e));
    for (const id of Object.keys(state)) this.arrived(id);
  }

  private arrived(modelId: string): void {
    for (const f of this.arrivals.get(modelId) ?? []) f();
    this.arrivals.delete(modelId);
  }

  private async model(modelId: string): Promise<base.WidgetModel | null> {
    if (!this.has_model(modelId)) {
      const came = await new Promise<boolean>((resolve) => {
        const list = this.arrivals.get(modelId) ?? [];
        list.push(() => resolve(true));
        this.arrivals.set(modelId, list);
        setTimeout(() => resolve(false), MODEL_WAIT_MS);
      });
      if (!came) return null;
    }
    return this.get_model(modelId);
  }

  async show(modelId: string, el: HTMLElement): Promise<(() => void) | null> {
    const model = await this.model(modelId);
    if (!model) return null;
    const view = await this.create_view(model, {});
    LuminoWidget.attach(view.luminoWidget, el);
    return () => view.remove();
  }

  protected async loadClass(className: string, moduleName: string, moduleVersion: string): Promise<typeof base.WidgetModel | typeof base.WidgetView> {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    let module: Record<string, any>;
    if (moduleName === "@jupyter-widgets/base") module = base;
    else if (moduleName === "@jupyter-widgets/controls") {
      if (!moduleVersion.startsWith("2.")) throw new Error(`ipywidgets 8 is needed (this widget is @jupyter-widgets/controls ${moduleVersion})`);
      module = await importControls();
      if (className.endsWith("Model")) return sanitising(className, module[className]);
    } else if (moduleName === "@jupyter-widgets/output") module = await import("./output");
    else if (moduleName === "jupyter-matplotlib") module = await importMatplotlib(); // ipympl
    else if (moduleName === "anywidget") module = await importAnywidget();
    else throw new Error(`The widget library ${moduleName} ${moduleVersion} is not available in Reflow`);
    const cls = module[className];
    if (!cls) throw new Error(`Class ${className} not found in ${moduleName} ${moduleVersion}`);
    return cls;
  }

  protected _create_comm(): Promise<base.IClassicComm> {
    return Promise.reject(new Error("widgets are created by the kernel"));
  }

  protected _get_comm_info(): Promise<object> {
    return Promise.resolve({});
  }
}

/** The widgets' stylesheets, injected once (the same code runs in the app and in the HTML export). */
function ensureStyle(): void {
  if (document.getElementById("reflow-jupyter-widgets")) return;
  const style = document.createElement("style");
  style.id = "reflow-jupyter-widgets";
  // lumino's own rules first: hidden widgets (Tab's other pages, a closed Accordion) and the tab bar
  style.textContent = [luminoWidgetCss, luminoTabBarCss, luminoTabPanelCss, baseCss, controlsCss, reflowCss].join("\n");
  document.head.appendChild(style);
}

export function createManager(
  sender: () => Sender | null,
  renderOutputs: RenderOutputs | null = null,
): WidgetManagerApi & { manager: ReflowWidgetManager } {
  ensureStyle();
  const manager = new ReflowWidgetManager(sender);
  manager.renderOutputs = renderOutputs;
  (globalThis as { reflowWidgets?: unknown }).reflowWidgets = manager; // for the console, tests and benchmarks
  return {
    manager,
    receive: (msg) => manager.receive(msg),
    idle: (id) => manager.idle(id),
    reset: () => manager.reset(),
    offline: (doc) => manager.offline(doc),
    show: (modelId, el) => manager.show(modelId, el),
  };
}
