"""Whatever is in the clinic's folder, each file is refused alone with its reason: a folder
named x.toml, a pipe, a file that cannot be read, is not UTF-8, is too large, nests deeper
than the parser can go, or trips a check no one foresaw; files in sub-folders are not
read, and the folder holding them is named. Every good file beside them still loads."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import ketamonitor.core.library
from ketamonitor.core.library import (
    MAX_CLINIC_FILE_BYTES,
    Origin,
    ProtocolVersion,
    load_library,
    shipped_library,
)
from tests.conftest import START
from tests.core.test_library import clinic_protocol


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    made = tmp_path / "protocols"
    made.mkdir()
    (made / "good.toml").write_text(clinic_protocol("clinic-good", "Good"))
    return made


def refused(folder: Path) -> dict[str, str]:
    """Each problem by the name of its file (or folder), the reason after it."""
    library = load_library([folder])
    assert library.origin("clinic-good") is Origin.CLINIC_FILE  # the good file still loads
    problems = {}
    for problem in library.problems:
        name, reason = problem.split(": ", 1)
        problems[Path(name).name] = reason
    return problems


def test_a_folder_named_like_a_file_is_refused(folder: Path):
    (folder / "x.toml").mkdir()
    assert refused(folder) == {
        "x.toml": "is a folder, not a file; files in sub-folders are not read"}


def test_files_in_a_sub_folder_are_not_read_and_the_sub_folder_is_named(folder: Path):
    (folder / "old").mkdir()
    (folder / "old" / "iv-60.toml").write_text(clinic_protocol("clinic-old", "Old"))
    (folder / "pictures").mkdir()  # holds no protocol file: nothing to say
    library = load_library([folder])
    assert "clinic-old" not in library.protocols
    assert library.problems == (
        (f"{folder / 'old'}: a folder inside the clinic's protocol folder; files in "
        f"sub-folders are not read (move them into {folder})"),)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_pipe_named_like_a_file_is_refused_without_waiting_on_it(folder: Path):
    os.mkfifo(folder / "pipe.toml")  # opening it to read would wait for a writer forever
    assert refused(folder) == {
        "pipe.toml": "is not a regular file (a pipe, socket or device); not read"}


def test_a_file_that_cannot_be_read_is_refused(folder: Path, monkeypatch):
    locked = folder / "locked.toml"
    locked.write_text(clinic_protocol("clinic-locked", "Locked"))
    real_open = os.open

    def refusing_open(path, flags, *args):  # as for a file the app's user may not read
        if Path(path) == locked:  # (a chmod does not stop root, who runs some test boxes)
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, flags, *args)

    monkeypatch.setattr(os, "open", refusing_open)
    assert refused(folder) == {"locked.toml": "cannot be read (Permission denied)"}


def test_a_link_to_nothing_is_refused_and_a_link_to_a_file_is_read(folder: Path,
                                                                  tmp_path: Path):
    shared = tmp_path / "shared-iv.toml"
    shared.write_text(clinic_protocol("clinic-shared", "Shared"))
    (folder / "shared.toml").symlink_to(shared)
    (folder / "gone.toml").symlink_to(tmp_path / "not-there.toml")
    assert refused(folder) == {"gone.toml": "cannot be read (No such file or directory)"}
    assert load_library([folder]).origin("clinic-shared") is Origin.CLINIC_FILE


def test_a_file_not_in_utf8_is_refused(folder: Path):
    (folder / "latin1.toml").write_bytes(
        clinic_protocol("clinic-latin", "Protocole général").encode("latin-1"))
    (reason,) = refused(folder).values()
    assert reason.startswith("is not UTF-8 text (byte ")
    assert reason.endswith("save it as UTF-8")


def test_a_file_too_large_to_be_a_protocol_is_refused(folder: Path):
    (folder / "huge.toml").write_text("# " + "x" * MAX_CLINIC_FILE_BYTES)
    assert refused(folder) == {
        "huge.toml": "is larger than 1 MB; a protocol or checklist file is a few kB"}


def test_nesting_deeper_than_the_parser_goes_is_refused(folder: Path):
    (folder / "deep.toml").write_text("a = " + "[" * 100_000 + "]" * 100_000)
    assert refused(folder) == {
        "deep.toml": "cannot be used (RecursionError: maximum recursion depth exceeded)"}


def test_a_check_no_one_foresaw_refuses_that_file_alone(folder: Path, monkeypatch):
    (folder / "odd.toml").write_text(clinic_protocol("clinic-odd", "Odd"))
    real = ketamonitor.core.library.parse_protocol

    def parse(text: str):
        if 'id = "clinic-odd"' in text:
            raise OverflowError("date value out of range")
        return real(text)

    monkeypatch.setattr(ketamonitor.core.library, "parse_protocol", parse)
    assert refused(folder) == {
        "odd.toml": "cannot be used (OverflowError: date value out of range)"}
    version = ProtocolVersion("clinic-odd", 1, "Odd", clinic_protocol("clinic-odd", "Odd"),
                              None, START, "admin")
    library = shipped_library().with_clinic_protocols([version])
    assert library.problems == (
        ("clinic protocol clinic-odd version 1: cannot be used (OverflowError: date value out "
        "of range)"),)
    assert "clinic-odd" not in library.protocols
