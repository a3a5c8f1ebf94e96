#!/usr/bin/env bash
# Linux installer smoke test, end to end on this machine (as root; Debian/Ubuntu):
#   1. build the .deb (installers/build.py, gzip: faster than xz),
#   2. install it with apt-get and check the installed files: /usr/bin/reflow, the
#      .desktop entry (desktop-file-validate), the MIME type (a PEP 723 / "# %%"
#      script is application/x-reflow-notebook, a plain script stays text/x-python,
#      Reflow is its default app),
#   3. open an example notebook the way a double-click does (`gio open nb.py`) under
#      Xvfb (24-bit), wait for the window to show the notebook, edit a cell and run
#      it (real mouse and key events through QtWebEngine's DevTools port, see
#      smoke_driver.py), wait for the dependent output, take a screenshot of the X
#      screen (ImageMagick `import`),
#   4. measure start-up (launch -> notebook cells shown) over several launches,
#   5. uninstall (apt-get purge) and check nothing is left.
# Takes about 3-4 minutes here (build ~1.5 min, dpkg-deb ~45 s, install ~10 s, runs ~30 s).
#
#   installers/smoke_linux.sh [--skip-build] [--runs N] [--keep-installed]
# Screenshot and timings: test-artifacts/installers/ (smoke-linux.png, smoke-linux.json).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PY="${REFLOW_PYTHON:-$ROOT/.venv/bin/python}"
OUT="$ROOT/test-artifacts/installers"
RUNS=5
SKIP_BUILD=0
KEEP=0
while [ $# -gt 0 ]; do
  case "$1" in
    --skip-build) SKIP_BUILD=1 ;;
    --runs) RUNS="$2"; shift ;;
    --keep-installed) KEEP=1 ;;
    *) sed -n '2,18p' "$0"; exit 2 ;;
  esac
  shift
done
log() { printf '\033[1m[smoke]\033[0m %s\n' "$*" >&2; }
fail() { log "FAIL: $*"; exit 1; }
[ "$(id -u)" = 0 ] || fail "run as root (apt-get install/remove of the package)"
[ -x "$PY" ] || fail "no $PY: run ./dev setup first"

export DEBIAN_FRONTEND=noninteractive
need=()
for p in xvfb xauth imagemagick shared-mime-info desktop-file-utils xdg-utils libglib2.0-bin; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
  log "apt-get install ${need[*]}"
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null || {
    apt-get update -qq && apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null; }
fi

# --- 1. build ---------------------------------------------------------------------------
VERSION="$("$PY" -c 'import tomllib;print(tomllib.load(open("'"$ROOT"'/pyproject.toml","rb"))["project"]["version"])')"
DEB="$ROOT/installers/dist/reflow_${VERSION}_$(dpkg --print-architecture).deb"
T_START=$(date +%s)
if [ "$SKIP_BUILD" = 0 ] || [ ! -f "$DEB" ]; then
  log "building the .deb"
  "$PY" "$ROOT/installers/build.py" --deb-compression gzip --formats deb
fi
[ -f "$DEB" ] || fail "no package at $DEB"

# --- 2. install ---------------------------------------------------------------------------
WORK="$(mktemp -d /tmp/reflow-smoke.XXXXXX)"
APP_PID=""; XVFB_PID=""
cleanup() {
  [ -n "$APP_PID" ] && kill "$APP_PID" 2>/dev/null || true
  [ -n "$XVFB_PID" ] && kill "$XVFB_PID" 2>/dev/null || true
  if [ "$KEEP" = 0 ] && dpkg-query -W -f='${Status}' reflow 2>/dev/null | grep -q "install ok installed"; then
    apt-get purge -y -qq reflow >/dev/null 2>&1 || true
  fi
}
trap cleanup EXIT
log "apt-get install $DEB"
t0=$(date +%s.%N)
apt-get install -y -qq "$DEB" >/dev/null
T_INSTALL=$(awk "BEGIN{print $(date +%s.%N) - $t0}")
[ "$(command -v reflow)" = /usr/bin/reflow ] || fail "reflow is not /usr/bin/reflow on PATH"
[ -x /opt/reflow/reflow ] || fail "/opt/reflow/reflow missing"
desktop-file-validate /usr/share/applications/reflow.desktop || fail ".desktop entry does not validate"
BUNDLE_MB=$(du -sm /opt/reflow | cut -f1)

mkdir -p "$WORK/nb" "$WORK/data" "$WORK/config" "$WORK/cache" "$OUT"
NB="$WORK/nb/intro.py"
cp /opt/reflow/_internal/reflow_desktop/examples/intro.py "$NB" || fail "the example is not in the bundle"
printf 'import os\nprint(os.getcwd())\n' > "$WORK/nb/plain.py"
mime_nb="$(gio info -a standard::content-type "$NB" | sed -n 's/.*content-type: //p')"
mime_plain="$(gio info -a standard::content-type "$WORK/nb/plain.py" | sed -n 's/.*content-type: //p')"
default_app="$(xdg-mime query default application/x-reflow-notebook || true)"
log "MIME: intro.py -> $mime_nb, plain.py -> $mime_plain; default app: $default_app"
[ "$mime_nb" = application/x-reflow-notebook ] || fail "the example notebook is not application/x-reflow-notebook"
[ "$mime_plain" = text/x-python ] || fail "a plain script should stay text/x-python"
[ "$default_app" = reflow.desktop ] || fail "reflow.desktop is not the default app for notebooks"
reflow check "$NB" || fail "installed 'reflow check' failed"

# --- 3. open like a double-click, run a cell, screenshot ------------------------------------
DISP=99
while [ -e "/tmp/.X11-unix/X$DISP" ] || [ -e "/tmp/.X$DISP-lock" ]; do DISP=$((DISP + 1)); done
Xvfb ":$DISP" -screen 0 1280x800x24 -nolisten tcp >"$WORK/xvfb.log" 2>&1 &
XVFB_PID=$!
for _ in $(seq 50); do [ -e "/tmp/.X11-unix/X$DISP" ] && break; sleep 0.1; done
free_port() { "$PY" -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
export DISPLAY=":$DISP" QTWEBENGINE_DISABLE_SANDBOX=1 UV_PYTHON_DOWNLOADS=never
export REFLOW_DATA_DIR="$WORK/data" REFLOW_CONFIG_DIR="$WORK/config" REFLOW_CACHE_DIR="$WORK/cache"

app_pid_for() {  # the installed app's process for this notebook (started by us via gio)
  for _ in $(seq 100); do
    pid="$(pgrep -n -f "^(/opt/reflow/|/usr/bin/)?reflow $1\$" || true)"
    [ -n "$pid" ] && { echo "$pid"; return 0; }
    sleep 0.05
  done
  return 1
}
stop_app() {
  [ -n "$APP_PID" ] || return 0
  kill "$APP_PID" 2>/dev/null || true
  for _ in $(seq 100); do kill -0 "$APP_PID" 2>/dev/null || break; sleep 0.1; done
  APP_PID=""
}

PORT=$(free_port)
log "first launch: gio open intro.py (the double-click path; builds the notebook's environment)"
t0=$(date +%s.%N)
QTWEBENGINE_REMOTE_DEBUGGING="127.0.0.1:$PORT" gio open "$NB" >"$WORK/app-1.log" 2>&1
APP_PID="$(app_pid_for "$NB")" || fail "gio open did not start /opt/reflow/reflow (log: $WORK/app-1.log)"
FIRST="$("$PY" "$ROOT/installers/smoke_driver.py" wait-notebook "$PORT" --t0 "$t0" --timeout 180)" \
  || fail "the notebook did not show"
log "first launch: $FIRST"
"$PY" "$ROOT/installers/smoke_driver.py" run-cell "$PORT" --timeout 120 \
  --match 'radius = 3.0' --code 'radius = 5.0' --expect 'A circle of radius 5.0 has area 78.54' \
  || fail "running a cell failed"
sleep 1  # let the compositor paint the last frame
import -window root "$OUT/smoke-linux.png"
log "screenshot: $OUT/smoke-linux.png"
grep -q '^radius = 5.0' "$NB" || log "note: the edit was not autosaved to the file yet"
stop_app

# --- 4. start-up time over several launches (environment already built) ---------------------
times=()
for i in $(seq "$RUNS"); do
  PORT=$(free_port)
  t0=$(date +%s.%N)
  QTWEBENGINE_REMOTE_DEBUGGING="127.0.0.1:$PORT" /usr/bin/reflow "$NB" >"$WORK/app-run$i.log" 2>&1 &
  APP_PID=$!
  r="$("$PY" "$ROOT/installers/smoke_driver.py" wait-notebook "$PORT" --t0 "$t0" --timeout 120)" \
    || fail "launch $i: the notebook did not show"
  log "launch $i: $r"
  times+=("$r")
  stop_app
done
kill "$XVFB_PID" 2>/dev/null || true; XVFB_PID=""

# --- 5. uninstall ----------------------------------------------------------------------------
if [ "$KEEP" = 0 ]; then
  log "apt-get purge reflow"
  apt-get purge -y -qq reflow >/dev/null
  [ ! -e /usr/bin/reflow ] && [ ! -e /opt/reflow ] && [ ! -e /usr/share/applications/reflow.desktop ] \
    && [ ! -e /usr/share/mime/packages/reflow.xml ] || fail "files left after purge"
  mime_after="$(gio info -a standard::content-type "$NB" | sed -n 's/.*content-type: //p')"
  [ "$mime_after" != application/x-reflow-notebook ] || fail "MIME type still registered after purge"
fi

"$PY" - "$OUT/smoke-linux.json" "$DEB" "$BUNDLE_MB" "$T_INSTALL" "$FIRST" "${times[@]}" <<'EOF'
import json, os, statistics, sys
out, deb, bundle_mb, t_install, first, *runs = sys.argv[1:]
runs = [json.loads(r) for r in runs]
summary = {
    "deb": os.path.basename(deb), "deb_mb": round(os.path.getsize(deb) / 2**20, 1),
    "installed_bundle_mb": int(bundle_mb), "apt_install_s": round(float(t_install), 1),
    "first_launch": {k: round(v, 2) for k, v in json.loads(first).items()},
    "launch_to_notebook_shown_s": [round(r["cells"], 2) for r in runs],
    "launch_to_notebook_shown_median_s": round(statistics.median(r["cells"] for r in runs), 2),
    "launch_to_kernel_idle_median_s": round(statistics.median(r["kernel_idle"] for r in runs), 2),
}
json.dump(summary, open(out, "w"), indent=2)
print(json.dumps(summary, indent=2))
EOF
log "PASS in $(( $(date +%s) - T_START )) s (screenshot and timings in $OUT)"
