#!/usr/bin/env bash
# The one-folder bundle: dist/ketamonitor/ (run dist/ketamonitor/ketamonitor), from a clean
# build/ folder. Needs PyInstaller in the venv (`make package` installs it).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-.venv/bin/python}"
if [[ ! -x "$PYTHON" && -x .venv/Scripts/python.exe ]]; then PYTHON=.venv/Scripts/python.exe; fi

rm -rf build/pyinstaller dist/ketamonitor dist/ketamonitor.app
"$PYTHON" -m PyInstaller --noconfirm --clean --log-level WARN \
    --workpath build/pyinstaller --distpath dist packaging/ketamonitor.spec

# Qt's Linux wheels carry ICU's data for every language (32 MB); keep English and root's
"$PYTHON" packaging/trim_icu.py dist/ketamonitor

echo "bundle: dist/ketamonitor ($(du -sm dist/ketamonitor | cut -f1) MB on disk)"
