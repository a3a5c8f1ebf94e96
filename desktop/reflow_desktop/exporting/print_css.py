"""The print stylesheet the PDF export and File ▸ Print add to the HTML export.

Chromium fragments the page itself; these rules only say where it may break: between
cells, never inside a cell or an output that fits on a page (one taller than a page is
still split, by Chromium, rather than cut off). Scroll boxes open up so nothing is
clipped, images shrink to the page, and the page is light whatever the OS theme is.
Kept as a string (not a .css file) so it travels with the package and the installers.
"""

from __future__ import annotations

PRINT_CSS = """
@page { size: auto; margin: 14mm 12mm 16mm; }
@media print {
  :root, html, body { background: #fff !important; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  .static-export .topbar { position: static !important; box-shadow: none !important; backdrop-filter: none !important;
    border-bottom: 1px solid #ddd; margin-bottom: 4mm; }
  .static-export .theme-toggle, .static-export .hidden-code, .static-export .badge,
  .static-export .truncated button, .static-export .json-toggle .chev { display: none !important; }
  .static-export .main, .static-export .notebook { display: block !important; height: auto !important;
    overflow: visible !important; max-width: none !important; padding-bottom: 0 !important; }
  .static-export .static-end { display: none !important; }
  /* page breaks between cells, never inside a short one */
  .static-export .cell-slot { break-inside: avoid; page-break-inside: avoid; }
  .static-export .cell-slot + .cell-slot { margin-top: 3mm; }
  .static-export .output, .static-export .cell-code, .static-export .static-errors,
  .static-export table, .static-export tr, .static-export figure, .static-export .output-chart {
    break-inside: avoid; page-break-inside: avoid; }
  /* a heading stays with what follows it */
  .static-export h1, .static-export h2, .static-export h3, .static-export h4 { break-after: avoid; }
  .static-export .cell-slot:has(.kind-markdown .markdown > :is(h1, h2, h3, h4):last-child) { break-after: avoid; }
  /* nothing clipped: scroll boxes open up, long lines wrap */
  .static-export pre, .static-export .output-text pre.scroll, .static-export .text-window {
    max-height: none !important; overflow: visible !important; white-space: pre-wrap !important;
    overflow-wrap: anywhere; }
  .static-export .output-html, .static-export .output-json, .static-export .outputs { overflow: visible !important;
    max-height: none !important; }
  /* images fit the page */
  .static-export img, .static-export svg, .static-export canvas, .static-export iframe {
    max-width: 100% !important; break-inside: avoid; }
  .static-export img.output-image { height: auto !important; max-height: 245mm; object-fit: contain; }
  .static-export .cell-body { border-color: transparent !important; box-shadow: none !important; }
}
"""
