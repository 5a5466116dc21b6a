"""`ketamonitor` reads the clinic's own protocol folder: valid files join the shipped ones, a
bad one is refused alone, named in `library.problems` and the log, and the window opens."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from ketamonitor.cli import main
from ketamonitor.core.library import Origin, resource_text
from ketamonitor.ui.main_window import MainWindow
from tests.ui.conftest import create_first_administrator


def test_the_window_opens_on_the_valid_clinic_files_and_names_the_bad_one(
        qtbot, tmp_path, monkeypatch, clinic_protocol_folder, whole_app):
    logs = tmp_path / "logs"
    monkeypatch.setenv("KETAMONITOR_LOG_DIR", str(logs))
    clinic_protocol_folder.mkdir()
    ours = resource_text("protocols", "iv-racemic-ketamine.toml").replace(
        'id = "iv-racemic-ketamine"', 'id = "clinic-iv-60"').replace(
        "name = \"IV racemic ketamine, 0.5 mg/kg over 40 min\"", 'name = "IV over 60 min"')
    (clinic_protocol_folder / "ours.toml").write_text(
        ours.replace("infusion_minutes = 40", "infusion_minutes = 60"))
    (clinic_protocol_folder / "bad.toml").write_text(
        ours.replace('"clinic-iv-60"', '"clinic-bad"').replace("minimum_minutes = 60",
                                                                "minimum_minutes = -60"))
    seen = []

    def look_and_quit() -> None:
        windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)]
        seen.extend(w.store.library for w in windows)
        seen.extend(w.refused_files.text() for w in windows)
        for window in windows:
            window.close()
            window.deleteLater()
        QApplication.quit()

    def first_administrator() -> None:
        """An empty file opens on the first administrator's form, then the window."""
        create_first_administrator()
        QTimer.singleShot(0, look_and_quit)

    QTimer.singleShot(0, first_administrator)
    assert main(["--new-clinic", "--db", str(tmp_path / "ketamonitor.db")]) == 0
    library, status = seen
    assert status == "⚠ 1 protocol file refused: see Clinic ▸ Protocols"
    assert library.protocol("clinic-iv-60").dosing.infusion_minutes == 60
    assert library.origin("clinic-iv-60") is Origin.CLINIC_FILE
    assert "clinic-bad" not in library.protocols
    bad = f"{clinic_protocol_folder / 'bad.toml'}: observation.minimum_minutes must be above 0"
    assert library.problems == (bad,)
    assert bad in (logs / "ketamonitor.log").read_text(encoding="utf-8")
