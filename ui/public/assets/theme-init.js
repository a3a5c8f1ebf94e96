// Apply the theme before first paint (no flash). A file, not an inline script: the
// page's Content-Security-Policy allows no inline script.
try {
  var t = localStorage.getItem("reflow.theme");
  if (t !== "light" && t !== "dark") t = matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
  document.documentElement.dataset.theme = t;
} catch (e) {}
