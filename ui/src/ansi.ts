// ANSI SGR escape sequences (colours in IPython tracebacks) → styled segments.
// Other escape sequences are dropped.

export interface Segment {
  text: string;
  fg?: string; // CSS class suffix: "red", "bright-green", or "#rrggbb"
  bg?: string;
  bold?: boolean;
  italic?: boolean;
  underline?: boolean;
}

const NAMES = ["black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"];

// eslint-disable-next-line no-control-regex
const ESC = /\x1b\[([0-9;]*)([A-Za-z])|\x1b\][^\x07]*\x07|\x1b[()][0-9A-B]/g;

function color256(n: number): string {
  if (n < 8) return NAMES[n];
  if (n < 16) return "bright-" + NAMES[n - 8];
  if (n < 232) {
    const i = n - 16;
    const v = (x: number) => (x === 0 ? 0 : 55 + x * 40);
    const r = v(Math.floor(i / 36)), g = v(Math.floor(i / 6) % 6), b = v(i % 6);
    return "#" + [r, g, b].map((x) => x.toString(16).padStart(2, "0")).join("");
  }
  const g = 8 + (n - 232) * 10;
  return "#" + g.toString(16).padStart(2, "0").repeat(3);
}

export function stripAnsi(text: string): string {
  return text.replace(ESC, "");
}

export function parseAnsi(text: string): Segment[] {
  const out: Segment[] = [];
  let style: Omit<Segment, "text"> = {};
  let last = 0;
  const push = (t: string) => {
    if (!t) return;
    const prev = out[out.length - 1];
    if (prev && sameStyle(prev, style)) prev.text += t;
    else out.push({ text: t, ...style });
  };
  ESC.lastIndex = 0;
  for (let m = ESC.exec(text); m; m = ESC.exec(text)) {
    push(text.slice(last, m.index));
    last = m.index + m[0].length;
    if (m[2] !== "m") continue;
    const codes = (m[1] || "0").split(";").map((x) => (x === "" ? 0 : Number(x)));
    style = { ...style };
    for (let i = 0; i < codes.length; i++) {
      const c = codes[i];
      if (c === 0) style = {};
      else if (c === 1) style.bold = true;
      else if (c === 3) style.italic = true;
      else if (c === 4) style.underline = true;
      else if (c === 22) delete style.bold;
      else if (c === 23) delete style.italic;
      else if (c === 24) delete style.underline;
      else if (c >= 30 && c <= 37) style.fg = NAMES[c - 30];
      else if (c === 39) delete style.fg;
      else if (c >= 40 && c <= 47) style.bg = NAMES[c - 40];
      else if (c === 49) delete style.bg;
      else if (c >= 90 && c <= 97) style.fg = "bright-" + NAMES[c - 90];
      else if (c >= 100 && c <= 107) style.bg = "bright-" + NAMES[c - 100];
      else if ((c === 38 || c === 48) && codes[i + 1] === 5) {
        const col = color256(codes[i + 2] ?? 0);
        if (c === 38) style.fg = col;
        else style.bg = col;
        i += 2;
      } else if ((c === 38 || c === 48) && codes[i + 1] === 2) {
        const [r, g, b] = [codes[i + 2] ?? 0, codes[i + 3] ?? 0, codes[i + 4] ?? 0];
        const col = "#" + [r, g, b].map((x) => x.toString(16).padStart(2, "0")).join("");
        if (c === 38) style.fg = col;
        else style.bg = col;
        i += 4;
      }
    }
  }
  push(text.slice(last));
  return out;
}

function sameStyle(a: Omit<Segment, "text">, b: Omit<Segment, "text">): boolean {
  return a.fg === b.fg && a.bg === b.bg && !!a.bold === !!b.bold && !!a.italic === !!b.italic && !!a.underline === !!b.underline;
}
