"""An export file written all or nothing: the bytes and their SHA-256 on success; on any
failure no temporary file is left and an older file of that name is as it was, with a
failure of the environment worded for the person exporting."""

from __future__ import annotations

import errno
import hashlib

import pytest

from ketamonitor.export.files import ExportCancelled, ExportFailed, atomic_write


def _left_in(folder):
    return sorted(path.name for path in folder.iterdir())


@pytest.mark.parametrize(("content", "binary", "written"), [
    (b"\x00\x01bytes", False, b"\x00\x01bytes"),
    ("héllo\n", False, "héllo\n".encode()),
    (lambda out: out.write("a,b\r\n1,2\r\n"), False, b"a,b\r\n1,2\r\n"),  # line ends kept
    (lambda out: out.write(b"%PDF-1.7"), True, b"%PDF-1.7"),
])
def test_the_file_holds_what_was_written_and_its_sha256_is_returned(tmp_path, content, binary,
                                                                     written):
    target = tmp_path / "out.csv"
    digest = atomic_write(target, content, binary=binary)
    assert target.read_bytes() == written
    assert digest == hashlib.sha256(written).hexdigest()
    assert _left_in(tmp_path) == ["out.csv"]


def test_a_cancel_leaves_the_older_file_as_it_was_and_nothing_beside_it(tmp_path):
    target = tmp_path / "log.csv"
    target.write_text("older")

    def cancel(out):
        out.write("half of a new file")
        raise ExportCancelled(target)

    with pytest.raises(ExportCancelled):
        atomic_write(target, cancel)
    assert target.read_text() == "older"
    assert _left_in(tmp_path) == ["log.csv"]


def test_a_full_disk_is_an_export_failure_saying_so_with_nothing_left(tmp_path):
    def full(out):
        raise OSError(errno.ENOSPC, "No space left on device")

    with pytest.raises(ExportFailed) as failed:
        atomic_write(tmp_path / "log.csv", full)
    assert failed.value.reason == "the disk is full"
    assert str(tmp_path / "log.csv") in failed.value.message
    assert _left_in(tmp_path) == []


@pytest.mark.parametrize(("where", "reason"), [
    ("missing/log.csv", "that folder does not exist"),
    ("folder", "that name is a folder, not a file"),
])
def test_a_path_that_cannot_be_a_file_is_refused_in_words(tmp_path, where, reason):
    (tmp_path / "folder").mkdir()
    with pytest.raises(ExportFailed) as failed:
        atomic_write(tmp_path / where, "x")
    assert failed.value.reason == reason
    assert _left_in(tmp_path) == ["folder"]


def test_an_error_without_known_words_says_the_systems_and_what_to_do():
    failed = ExportFailed.from_os_error("/x/log.csv", OSError(errno.ELOOP, "Too many links"))
    assert failed.reason == "Too many links"
    assert "tell the administrator" in failed.advice
    assert failed.message.startswith("The export could not be written: Too many links.")
