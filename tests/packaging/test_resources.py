"""The data files (protocols, checklists, scales, medicines, icons, the .desktop file) live in
the top-level resources/ and are installed with the package as ketamonitor.resources, found by
the one function `resource`: from the editable install the suite runs on, and from a wheel.
(The frozen bundle is checked by packaging/smoke_test.sh, which `.ci/run` runs on the bundle.)
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

from ketamonitor.core.library import resource

ROOT = Path(__file__).resolve().parents[2]
RESOURCES = ROOT / "resources"


def shipped_files() -> list[Path]:
    """Every data file of resources/, relative to it (its __init__.py included)."""
    return sorted(path.relative_to(RESOURCES) for path in RESOURCES.rglob("*")
                  if path.is_file() and "__pycache__" not in path.parts)


def package_folders() -> set[str]:
    """The dotted names of the package folders under ketamonitor/."""
    return {".".join(init.parent.relative_to(ROOT).parts)
            for init in (ROOT / "ketamonitor").rglob("__init__.py")}


def test_the_data_lives_at_the_top_level_not_in_the_package():
    assert {"checklists", "icons", "protocols"} <= {p.parts[0] for p in shipped_files()}
    stale = ROOT / "ketamonitor" / "resources"
    # a folder left there (an untracked __pycache__ after the move) would be imported as a
    # namespace package in place of resources/, and the app would find no protocols
    assert not stale.exists(), f"remove {stale}: it shadows the top-level resources/"


def test_the_editable_install_finds_every_file_in_the_top_level_folder():
    assert Path(str(resource())).resolve() == RESOURCES
    for relative in shipped_files():
        assert resource(*relative.parts).read_bytes() == (RESOURCES / relative).read_bytes()


def test_every_package_folder_is_listed_for_the_build():
    """The packages are listed in pyproject (discovery cannot see resources/ as a package):
    a package folder left off the list would be missing from the wheel."""
    setuptools = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    assert set(setuptools["packages"]) == package_folders() | {"ketamonitor.resources"}
    assert setuptools["package-dir"] == {"ketamonitor.resources": "resources"}


def build_wheel(folder: Path) -> Path:
    """A wheel of a copy of the project (building in the worktree would leave build/ there)."""
    source = folder / "source"
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info")
    for name in ("ketamonitor", "resources"):
        shutil.copytree(ROOT / name, source / name, ignore=ignore)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    subprocess.run([sys.executable, "-m", "pip", "wheel", str(source), "--no-deps", "--quiet",
                    "--disable-pip-version-check", "-w", str(folder / "wheel")],
                   check=True, capture_output=True, timeout=120)
    (wheel,) = (folder / "wheel").glob("ketamonitor-*.whl")
    return wheel


def test_a_wheel_carries_the_data_and_finds_it_through_resource(tmp_path: Path):
    wheel = build_wheel(tmp_path)
    names = set(zipfile.ZipFile(wheel).namelist())
    for relative in shipped_files():
        assert f"ketamonitor/resources/{relative.as_posix()}" in names
    for module in (ROOT / "ketamonitor").rglob("*.py"):
        assert module.relative_to(ROOT).as_posix() in names

    installed = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(installed)  # a pure wheel installs as its files
    # -S: no site-packages, so neither the editable install nor the worktree can answer
    found = subprocess.run(
        [sys.executable, "-S", "-c", ("import sys; sys.path.insert(0, sys.argv[1]); "
         "from ketamonitor.core.library import resource, shipped_library; "
         "library = shipped_library(); assert not library.problems, library.problems; "
         "print(resource('protocols')); print(*sorted(library.protocols))"), str(installed)],
        cwd=tmp_path, check=True, capture_output=True, text=True, timeout=60).stdout.split()
    assert Path(found[0]) == installed / "ketamonitor" / "resources" / "protocols"
    assert "iv-racemic-ketamine" in found[1:]
