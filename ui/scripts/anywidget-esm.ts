// A Vite plugin: anywidget's front end (the `anywidget` npm package) ships as one AMD module that
// ends in `define(["@jupyter-widgets/base"], widget_default)`. This turns that line into
// `export default widget_default`, so the bundler sees an ES module (its CommonJS handling would
// otherwise replace the `define` call with `undefined`) and src/jupyterWidgets/anywidget.ts imports
// the factory. The build fails if a new anywidget version changes that shape.
import type { Plugin } from "vite";

const AMD = 'define(["@jupyter-widgets/base"], widget_default);';

export function anywidgetEsm(): Plugin {
  return {
    name: "reflow-anywidget-esm",
    enforce: "pre",
    transform(code, id) {
      if (!/[\\/]node_modules[\\/]anywidget[\\/]dist[\\/]index\.js$/.test(id)) return null;
      if (!code.includes(AMD)) this.error(`anywidget's front end changed shape (no ${AMD})`);
      return { code: code.replace(AMD, "export default widget_default;"), map: null };
    },
  };
}
