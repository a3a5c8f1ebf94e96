// The page's WebSocket, opened by a tiny classic script in <head> (boot/earlyEntry.ts, built and
// injected by scripts/early-socket.ts) while the app's bundle is still being fetched and run. The
// server's `session` message, saved outputs included, is then already here when the app starts,
// instead of one round trip (and the server's share of a busy launch) after it. The app's
// Connection adopts the socket and the frames it buffered (takeEarlySocket); a socket nobody
// adopts for the same address is closed, so a window never holds two.

import { parsePageUrl, TOKEN_KEY, webSocketUrl } from "../url";

export interface EarlySocket {
  url: string;
  ws: WebSocket;
  /** text frames received before the app adopted the socket, in order */
  frames: string[];
  /** the socket closed before the app adopted it */
  closed: boolean;
  /** set when the app took it: stop buffering */
  taken: boolean;
}

export const EARLY_KEY = "__reflowEarlySocket";

interface PageLike {
  location: { href: string };
  sessionStorage?: Pick<Storage, "getItem">;
}

type Holder = { [EARLY_KEY]?: EarlySocket };

function storedToken(win: PageLike): string | null {
  try {
    return win.sessionStorage?.getItem(TOKEN_KEY) ?? null;
  } catch {
    return null;
  }
}

/** Open the session's socket now and buffer what arrives (no-op on pages without a session, and in the demo). */
export function openEarlySocket(win: PageLike, makeSocket: (url: string) => WebSocket = (u) => new WebSocket(u)): EarlySocket | null {
  const params = parsePageUrl(win.location.href, storedToken(win));
  if (!params.session || params.demo) return null;
  const url = webSocketUrl(win.location.href, params);
  let ws: WebSocket;
  try {
    ws = makeSocket(url);
  } catch {
    return null; // the app opens its own (and retries)
  }
  const early: EarlySocket = { url, ws, frames: [], closed: false, taken: false };
  ws.addEventListener("message", (ev: MessageEvent) => {
    if (!early.taken) early.frames.push(typeof ev.data === "string" ? ev.data : "");
  });
  ws.addEventListener("close", () => {
    if (!early.taken) early.closed = true;
  });
  (win as Holder)[EARLY_KEY] = early;
  return early;
}

/** The early socket for ``url``, once (null if there is none or it is for another address, which is closed). */
export function takeEarlySocket(win: object, url: string): EarlySocket | null {
  const holder = win as Holder;
  const early = holder[EARLY_KEY];
  if (!early || early.taken) return null;
  delete holder[EARLY_KEY];
  early.taken = true;
  if (early.url !== url) {
    early.ws.close();
    return null;
  }
  return early;
}
