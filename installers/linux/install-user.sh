#!/bin/sh
# Install this unpacked Reflow tarball for the current user (no root): a `reflow`
# link in ~/.local/bin, the desktop entry, the notebook MIME type and the icon.
# Run it from the unpacked folder; move the folder first if you want it elsewhere.
set -eu
HERE="$(cd "$(dirname "$0")" && pwd)"
DATA="${XDG_DATA_HOME:-$HOME/.local/share}"
mkdir -p "$HOME/.local/bin" "$DATA/applications" "$DATA/mime/packages" "$DATA/icons/hicolor/scalable/apps"
ln -sf "$HERE/reflow/reflow" "$HOME/.local/bin/reflow"
sed "s|^Exec=reflow|Exec=$HERE/reflow/reflow|; s|^TryExec=reflow|TryExec=$HERE/reflow/reflow|" \
  "$HERE/share/reflow.desktop" > "$DATA/applications/reflow.desktop"
cp "$HERE/share/reflow.xml" "$DATA/mime/packages/reflow.xml"
cp "$HERE/share/reflow.svg" "$DATA/icons/hicolor/scalable/apps/reflow.svg"
command -v update-mime-database >/dev/null && update-mime-database "$DATA/mime" || true
command -v update-desktop-database >/dev/null && update-desktop-database "$DATA/applications" || true
echo "Reflow installed for $(id -un): run 'reflow' (make sure ~/.local/bin is on PATH)."
