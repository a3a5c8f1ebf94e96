// The one script an output frame runs: it tells the page how tall the frame's content
// is. Its exact text is allowed by hash in the page's Content-Security-Policy (the
// Vite builds write that hash to csp-hashes.json for the server and the exporter), so
// it must stay free of quotes and backslashes: the minifier then keeps it byte for byte.

/** Message type the sizer posts: `{ reflow: FRAME_HEIGHT, height: number }`. */
export const FRAME_HEIGHT = "reflow-frame-height";

export const FRAME_SIZER_JS =
  "(function(){var last=-1,star=String.fromCharCode(42);" +
  "function send(){var h=Math.ceil(document.documentElement.getBoundingClientRect().height);" +
  "if(h!==last){last=h;parent.postMessage({reflow:document.documentElement.dataset.sizer,height:h},star)}}" +
  "new ResizeObserver(send).observe(document.documentElement);send()})()";
