#!/usr/bin/env bash
# The code checks `./dev lint` runs (and `./dev test` runs first); any failure fails them.
#   Python: ruff check, ruff format --check and mypy (strict, config in pyproject.toml) over the
#           paths in tools/lint_paths.txt - the part of the tree already clean; grow it, never shrink it.
#   UI:     tsc --noEmit (strict, ui/tsconfig.json) and knip (unused files, dependencies, exports).
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
VENV="$ROOT/.venv"
log() { printf '\033[1m[lint]\033[0m %s\n' "$*" >&2; }

mapfile -t paths < <(sed -e 's/#.*//' -e 's/[[:space:]]*$//' -e '/^$/d' tools/lint_paths.txt)
typed=()
for p in "${paths[@]}"; do
  [ -e "$p" ] || { log "tools/lint_paths.txt names a missing path: $p"; exit 1; }
  case "$p" in engine/*|desktop/*) typed+=("$p") ;; esac
done

status=0
log "ruff check (${#paths[@]} paths)"
"$VENV/bin/ruff" check --quiet "${paths[@]}" || status=1
log "ruff format --check"
"$VENV/bin/ruff" format --check --quiet "${paths[@]}" || status=1
if [ ${#typed[@]} -gt 0 ]; then
  log "mypy --strict (${#typed[@]} paths; imported modules outside the list are read, not judged)"
  "$VENV/bin/mypy" --follow-imports=silent "${typed[@]}" || status=1
fi
if [ -f ui/package.json ]; then
  log "tsc --strict (ui)"
  (cd ui && npx tsc --noEmit -p .) || status=1
  log "knip: dead files, dependencies and exports (ui)"
  (cd ui && npx knip --no-progress) || status=1
fi
[ $status -eq 0 ] && log "clean" || log "FAILED"
exit $status
