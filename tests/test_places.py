from pathlib import Path

from ketamonitor.places import (
    DATABASE_ENV,
    PROTOCOLS_ENV,
    clinic_protocol_folder,
    default_database_path,
)


def test_the_database_comes_from_the_environment_when_set(monkeypatch, tmp_path):
    monkeypatch.setenv(DATABASE_ENV, str(tmp_path / "clinic.db"))
    assert default_database_path() == tmp_path / "clinic.db"


def test_otherwise_it_is_ketamonitor_db_in_the_user_data_folder(monkeypatch):
    monkeypatch.delenv(DATABASE_ENV, raising=False)
    path = default_database_path()
    assert path.name == "ketamonitor.db"
    assert "ketamonitor" in Path(path).parent.name


def test_the_clinic_protocol_folder_comes_from_the_environment_when_set(monkeypatch, tmp_path):
    monkeypatch.setenv(PROTOCOLS_ENV, str(tmp_path / "ours"))
    assert clinic_protocol_folder() == tmp_path / "ours"


def test_otherwise_it_is_protocols_in_the_user_data_folder(monkeypatch):
    monkeypatch.delenv(PROTOCOLS_ENV, raising=False)
    monkeypatch.delenv(DATABASE_ENV, raising=False)
    assert clinic_protocol_folder() == default_database_path().parent / "protocols"
