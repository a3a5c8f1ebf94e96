import { render } from "preact";
import "./styles.css";
import { Connection, type Transport } from "./connection";
import { takeEarlySocket } from "./boot/earlySocket";
import { Controller } from "./controller";
import { Store } from "./storeHub";
import { applyTheme, storedTheme, watchOsTheme } from "./theme";
import { parsePageUrl, TOKEN_KEY, urlWithoutToken, webSocketUrl } from "./url";
import { App } from "./view/app";
import { desktopBackend, findDesktopApi, localBackend, serverBackend } from "./settings";
import { userSettings } from "./settingsEffects";
import { channel as widgetChannel } from "./widgets/channel";
import { widgetDoor } from "./jupyterWidgets/door";
import { PopoutApp } from "./popout/popoutView";
import { popoutTarget } from "./popout/target";
import { listenFileDrops } from "./dropNote";
import { publishDiagnostics } from "./lsp/diagnostics";
import { startAfterKernelIdle } from "./lsp/startup";
import { endsARun } from "./runEnd";

function safeSession(): Storage | null {
  try {
    return sessionStorage;
  } catch {
    return null;
  }
}

function safeLocal(): Storage | null {
  try {
    return localStorage;
  } catch {
    return null;
  }
}

async function start() {
  const root = document.getElementById("app")!;
  try {
    applyTheme(storedTheme(localStorage));
  } catch {
    /* ignore */
  }
  watchOsTheme();

  const ss = safeSession();
  const params = parsePageUrl(location.href, ss?.getItem(TOKEN_KEY) ?? null);
  if (params.token) {
    ss?.setItem(TOKEN_KEY, params.token);
    if (new URL(location.href).searchParams.has("token")) history.replaceState(null, "", urlWithoutToken(location.href));
  }

  if (!params.session && !params.demo) {
    render(
      <div class="fatal">
        <div class="fatal-card">
          <h2>No notebook here</h2>
          <p>This address names no notebook session. Open the address Reflow printed (it looks like <code>/s/…?token=…</code>), or open a notebook from the Reflow app.</p>
        </div>
      </div>,
      root,
    );
    return;
  }

  const store = new Store();
  let transport: Transport;
  let retry = () => {};
  let connection: Connection | null = null;
  if (params.demo) {
    const { DemoTransport } = await import("./demo");
    transport = new DemoTransport(store);
  } else {
    const wsUrl = webSocketUrl(location.href, params);
    // the socket the page's first script opened (boot/earlySocket.ts): its `session` may be here already
    const conn = new Connection(wsUrl, {
      message: (m) => {
        if (widgetDoor.handle(m)) return; // Jupyter widgets (ipywidgets, anywidget…): loaded on first use
        if (widgetChannel.handle(m)) {
          if (m.type === "ui_values") store.flushNow(); // the run a widget caused is complete: show it now
          return; // reflow.ui replies
        }
        if (m.type === "settings") {
          userSettings.receive(m.values); // the user's settings (browser mode)
          return;
        }
        startAfterKernelIdle(conn, m); // the notebook's language server, a moment after the kernel is up
        if (m.type === "lsp_diagnostics") {
          publishDiagnostics(m.cells); // the language server's, shown by the cells' editors (ui/src/lsp)
          return;
        }
        if (m.type === "session" && userSettings.storage === "server") userSettings.load(); // (re)connected
        let answered = false; // a widget's run came back with its events in this batch: show it now
        if (m.type === "batch") for (const e of m.events ?? []) if (widgetChannel.handle(e) && e.type === "ui_values") answered = true;
        store.server(m);
        if (answered || endsARun(m)) store.flushNow(); // a run's last message: shown now (runEnd.ts)
        if (store.get().fatal) conn.fatal = true;
      },
      state: (st, attempt) => {
        if (st !== "open") {
          widgetChannel.reset();
          widgetDoor.reset();
        }
        store.local({ type: "connection", state: st, attempt });
      },
      protocolError: (reason) => {
        console.warn("reflow: ignored a server frame:", reason);
      },
    }, undefined, takeEarlySocket(window, wsUrl));
    transport = conn;
    connection = conn;
    retry = () => conn.retryNow();
  }
  widgetChannel.transport = transport;
  widgetDoor.sender = transport;
  // user settings: the desktop bridge (may appear after load), the server, or (demo) localStorage
  const useDesktop = () => {
    const api = findDesktopApi(window);
    if (!api) return false;
    userSettings.setBackend(desktopBackend(api));
    userSettings.load();
    return true;
  };
  if (!useDesktop()) {
    if (params.demo) {
      userSettings.setBackend(localBackend(safeLocal()));
      userSettings.load();
    } else userSettings.setBackend(serverBackend((msg) => transport.send(msg)));
    window.addEventListener("pywebviewready", () => void useDesktop(), { once: true });
  }
  const controller = new Controller(store, transport);
  // a data file dropped here: only the desktop app knows its path (src/dropNote.ts)
  listenFileDrops(window, (text) => store.local({ type: "notice", level: "info", text }));
  // for the console and end-to-end tests
  (window as unknown as { reflow: unknown }).reflow = { store, controller, connection };
  const popout = popoutTarget(location.href); // ?view=cell&cell=ID: one cell's output in a window of its own
  render(popout ? <PopoutApp controller={controller} target={popout} retry={retry} /> : <App controller={controller} retry={retry} />, root);
}

void start();
