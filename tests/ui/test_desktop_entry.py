"""What the desktop shows of the installed app: the version the package says, the launcher
(.desktop) file and the icon it names, and the same icon on every window."""

from __future__ import annotations

import configparser
import tomllib
from importlib.metadata import version
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from ketamonitor.cli import main
from ketamonitor.core.library import resource, resource_text
from ketamonitor.ui.app import application

ROOT = Path(__file__).resolve().parents[2]


def desktop_entry() -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # keys are case-sensitive
    parser.read_string(resource_text("ketamonitor.desktop"))
    return parser["Desktop Entry"]


def test_version_prints_the_package_metadata(capsys):
    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0
    assert capsys.readouterr().out.strip() == f"ketamonitor {version('ketamonitor')}"
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert version("ketamonitor") == project["version"]


def test_the_launcher_starts_the_installed_command_with_its_icon():
    entry = desktop_entry()
    assert entry["Type"] == "Application" and entry["Terminal"] == "false"
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    assert entry["Exec"].split()[0] in scripts  # the command the bundle and the wheel install
    assert entry["StartupWMClass"] == "ketamonitor"
    for name in (f"{entry['Icon']}.png", f"{entry['Icon']}.svg"):
        assert resource("icons", name).is_file(), name


def test_every_window_carries_the_launchers_icon(qtbot):
    app = application()
    assert app.desktopFileName() == desktop_entry()["Icon"] == "ketamonitor"
    icon = app.windowIcon()
    assert not icon.isNull()
    # the small sizes a window manager asks for are there (X11 shows no icon without them)
    assert {(size.width(), size.height()) for size in icon.availableSizes()} >= {
        (16, 16), (32, 32), (48, 48), (64, 64), (128, 128), (256, 256)}
    shipped = QImage()
    assert shipped.loadFromData(resource("icons", "ketamonitor.png").read_bytes())
    # compared as the screen paints them (premultiplied alpha): Qt keeps an icon's pixmaps
    # premultiplied, so a half-transparent pixel's colour may round by one step
    painted = QImage.Format.Format_ARGB32_Premultiplied
    shown = icon.pixmap(shipped.size()).toImage().convertToFormat(painted)
    assert shown == shipped.convertToFormat(painted)
