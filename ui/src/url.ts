// The page's URL contract (docs/protocol.md, "URL contract"):
//   /s/SESSION?token=T        session from the path
//   /?token=T&session=S       session from the query
//   /?token=T                 the server's only session ("" → WebSocket /ws/default is NOT assumed;
//                             the UI asks /ws?token=T and the server picks its session)
// After load the token moves to sessionStorage and out of the address bar.

export interface PageParams {
  session: string | null;
  token: string | null;
  /** base path the page was served under, e.g. "/" or "/s/abc/" — ends with "/" */
  demo: boolean;
}

export const TOKEN_KEY = "reflow.token";

export function parsePageUrl(href: string, stored: string | null = null): PageParams {
  const url = new URL(href);
  let session: string | null = null;
  const m = url.pathname.match(/\/s\/([^/]+)\/?$/);
  if (m) session = decodeURIComponent(m[1]);
  const qs = url.searchParams.get("session");
  if (!session && qs) session = qs;
  const token = url.searchParams.get("token") ?? stored;
  return { session, token, demo: url.searchParams.has("demo") };
}

/** The WebSocket URL for a page: same host, ws/wss by page scheme. */
export function webSocketUrl(href: string, p: PageParams): string {
  const url = new URL(href);
  const scheme = url.protocol === "https:" ? "wss:" : "ws:";
  const path = p.session ? `/ws/${encodeURIComponent(p.session)}` : "/ws";
  const q = p.token ? `?token=${encodeURIComponent(p.token)}` : "";
  return `${scheme}//${url.host}${path}${q}`;
}

/** The address to show after load: same URL without the token parameter. */
export function urlWithoutToken(href: string): string {
  const url = new URL(href);
  url.searchParams.delete("token");
  return url.pathname + (url.search ? url.search : "") + url.hash;
}
