// ipympl's front end (the `jupyter-matplotlib` npm package, matching ipympl 0.9/0.10): an
// interactive figure canvas with pan / zoom, loaded only when a notebook shows one.
import "jupyter-matplotlib/css/mpl_widget.css";
export * from "jupyter-matplotlib";
