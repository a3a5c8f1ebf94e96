#!/usr/bin/env bash
# Reflow.app -> a compressed, drag-to-install .dmg (Reflow.app + a link to /Applications).
#   installers/macos/make_dmg.sh installers/build/app/Reflow.app installers/dist/Reflow-0.1.0-macos-arm64.dmg
# Signing: PyInstaller signs the bundle ad hoc, which is enough to run on the machine that
# built it; users elsewhere must right-click > Open once (Gatekeeper). With a Developer ID,
# set CODESIGN_IDENTITY="Developer ID Application: ..." to re-sign (hardened runtime) before
# packaging; notarize the .dmg afterwards (xcrun notarytool submit ... --wait; xcrun stapler staple).
set -euo pipefail
APP="${1:?usage: make_dmg.sh Reflow.app out.dmg}"
DMG="${2:?usage: make_dmg.sh Reflow.app out.dmg}"
[ -d "$APP" ] || { echo "make_dmg: no app bundle at $APP" >&2; exit 1; }
if [ -n "${CODESIGN_IDENTITY:-}" ]; then
  codesign --force --deep --options runtime --timestamp --sign "$CODESIGN_IDENTITY" "$APP"
fi
codesign --verify --deep --strict "$APP" || echo "make_dmg: warning: the app's signature does not verify" >&2
STAGE="$(mktemp -d)"
trap 'rm -rf "$STAGE"' EXIT
cp -R "$APP" "$STAGE/"
ln -s /Applications "$STAGE/Applications"
rm -f "$DMG"
hdiutil create -volname "Reflow" -srcfolder "$STAGE" -fs HFS+ -format UDZO -imagekey zlib-level=9 -ov "$DMG"
hdiutil verify "$DMG"
echo "make_dmg: $DMG"
