"""The Qt binding itself must not corrupt Python: a long-running room calls void methods
(setText, setVisible…) thousands of times a minute."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QLabel


def test_void_qt_calls_do_not_drop_references_to_none(qapp):
    label = QLabel()
    before = sys.getrefcount(None)
    for n in range(2000):
        label.setText(str(n))
        label.setVisible(False)
    # PySide6 6.12.0 lost one reference per call: -4000 here, and on Python 3.11 the
    # interpreter aborts once None's count reaches zero (pinned out in pyproject.toml).
    assert sys.getrefcount(None) - before > -100
    label.deleteLater()
