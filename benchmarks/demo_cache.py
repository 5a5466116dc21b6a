"""The demo clinic's file for the long benchmarks, generated once and kept.

Generating a year (or six) of the demo clinic takes minutes, so the file is kept under the
temporary folder, named by its seed, days and a fingerprint of the code that writes it: a
change to that code makes a new file (and the old one goes)."""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import ketamonitor

CACHE = Path(tempfile.gettempdir()) / "ketamonitor-bench-cache"
#: The code and data whose change changes the demo file (from the project's top level).
_WRITERS = ("ketamonitor/demo", "ketamonitor/core", "ketamonitor/store", "resources")
#: Modules that only read the file: a change to them keeps it.
_READERS = ("ketamonitor/store/logs.py", "ketamonitor/store/verify.py",
            "ketamonitor/core/date_range.py", "ketamonitor/core/pseudonyms.py",
            "ketamonitor/core/deidentify.py", "ketamonitor/core/worst_bp.py")


def _fingerprint() -> str:
    root = Path(ketamonitor.__file__).parent.parent  # benchmarks run from the source tree
    skipped = {root / name for name in _READERS}
    digest = hashlib.sha256()
    for name in _WRITERS:
        top = root / name
        if not top.exists():  # a moved folder must not quietly leave the fingerprint
            raise FileNotFoundError(f"the demo's writer {top} is gone: update _WRITERS")
        files = [top] if top.is_file() else sorted(
            path for path in top.rglob("*") if path.is_file() and "__pycache__" not in path.parts)
        for path in files:
            if path in skipped:
                continue
            digest.update(str(path.relative_to(root)).encode() + b"\0")
            digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def demo_database(seed: int, days: int, now: datetime) -> tuple[Path, str]:
    """The demo clinic's file, generated unless a previous run left it; and how it came."""
    from ketamonitor.demo import fill_demo_clinic

    folder = CACHE / f"demo-seed{seed}-days{days}-{_fingerprint()}"
    path = folder / "ketamonitor.db"
    facts = folder / "generated.json"
    if facts.exists() and path.exists():
        seconds = json.loads(facts.read_text())["seconds"]
        return path, f"reused from {folder} (generated in {seconds:.1f} s)"
    CACHE.mkdir(parents=True, exist_ok=True)
    for stale in CACHE.glob(f"demo-seed{seed}-days{days}-*"):  # written by older code
        shutil.rmtree(stale, ignore_errors=True)
    building = Path(tempfile.mkdtemp(prefix="building-", dir=CACHE))
    try:
        began = time.perf_counter()
        fill_demo_clinic(building / "ketamonitor.db", seed=seed, days=days, now=now, zone=UTC)
        seconds = time.perf_counter() - began
        (building / "ketamonitor.db.lock").unlink(missing_ok=True)
        (building / "generated.json").write_text(json.dumps({"seconds": seconds}))
        building.rename(folder)  # whole or not at all: a cut-off run leaves no half file
    finally:
        shutil.rmtree(building, ignore_errors=True)
    return path, f"generated in {seconds:.1f} s into {folder}"
