#!/usr/bin/env bash
# Runs the built bundle (dist/ketamonitor, from packaging/build.sh) headless, in a fresh temp
# folder: version, demo clinic, verify, a PDF summary, and the window opening without a
# traceback. Stops at the first step that fails, saying which.
set -euo pipefail
cd "$(dirname "$0")/.."
APP="${APP:-dist/ketamonitor/ketamonitor}"
[[ -x "$APP" ]] || { echo "FAIL: no bundle at $APP (run make package)" >&2; exit 1; }
export QT_QPA_PLATFORM=offscreen
T="$(mktemp -d)"
trap 'rm -rf "$T"' EXIT
# nothing from this workstation's own ketamonitor: logs and clinic files in the temp folder
export KETAMONITOR_LOG_DIR="$T/logs" KETAMONITOR_PROTOCOLS="$T/protocols"
unset KETAMONITOR_DB

step() { echo "--- $*"; }
fail() { echo "FAIL: $*" >&2; exit 1; }

step "--version"
version="$("$APP" --version)" || fail "--version exited $?"
echo "$version"
[[ "$version" =~ ^ketamonitor\ [0-9] ]] || fail "--version said '$version' (no package metadata?)"

step "resources: where the README's install copies them from, as a wheel installs them"
R="$(dirname "$APP")/_internal/ketamonitor/resources"
for file in __init__.py ketamonitor.desktop icons/ketamonitor.svg icons/ketamonitor.png \
        medications.toml protocols/iv-racemic-ketamine.toml checklists/pre_session.toml; do
    [[ -f "$R/$file" ]] || fail "the bundle has no $R/$file"
done
echo "$(find "$R" -type f | wc -l) files in $R"

step "demo --days 3"
"$APP" demo --db "$T/demo.db" --days 3 || fail "demo exited $?"

step "verify"
"$APP" verify --db "$T/demo.db" || fail "verify exited $?"

step "export summary (PDF)"
session="$(python3 -c 'import sqlite3, sys
print(sqlite3.connect(sys.argv[1]).execute("SELECT min(id) FROM sessions").fetchone()[0])' \
    "$T/demo.db")"
[[ "$session" =~ ^[0-9]+$ ]] || fail "the demo database has no session"
KETAMONITOR_PASSWORD=ketamonitor-demo "$APP" export summary "$session" --format pdf \
    --out "$T/s.pdf" --db "$T/demo.db" --user physician || fail "export summary exited $?"
[[ "$(head -c 5 "$T/s.pdf")" == "%PDF-" ]] || fail "$T/s.pdf is not a PDF"
echo "session $session: $(wc -c < "$T/s.pdf") bytes of PDF"

step "window: first paint (KETAMONITOR_QUIT_AFTER_FIRST_PAINT)"
painted="$(KETAMONITOR_QUIT_AFTER_FIRST_PAINT=1 timeout 60 "$APP" --db "$T/demo.db" \
    2> "$T/paint.err")" || { cat "$T/paint.err" >&2; fail "the window exited $?"; }
[[ "$painted" == *"first paint"* ]] || { cat "$T/paint.err" >&2; fail "no first paint"; }
! grep -q Traceback "$T/paint.err" || { cat "$T/paint.err" >&2; fail "traceback"; }
echo "$painted"

step "window: open for 5 s"
status=0
timeout 5 "$APP" --db "$T/demo.db" > "$T/window.out" 2> "$T/window.err" || status=$?
if [[ $status -ne 124 ]] || grep -q Traceback "$T/window.err"; then
    cat "$T/window.out" "$T/window.err" >&2
    fail "the window exited $status before the timeout, or printed a traceback"
fi
echo "still open after 5 s, no traceback"
echo "smoke test passed: $version"
