"""No widget of the app hides a Qt method under an attribute of its own. `self.done =
QLabel()` on a QDialog made Export logs uncloseable (issue 15), and `self.scroll` on the
room page hid QWidget.scroll (found by mypy in issue 18): Qt, or a later caller, that
calls the method gets the attribute instead. The dialogs are checked as they open and
close (test_dialogs_close.py); this checks the window and its pages, with a session open."""

from __future__ import annotations

from PySide6.QtCore import QObject, SignalInstance


def _qt_class(kind: type) -> type:
    """The Qt class an app widget derives from (its nearest PySide6 base)."""
    return next(base for base in kind.__mro__ if base.__module__.startswith("PySide6"))


def hidden_qt_names(root: QObject) -> list[str]:
    """Each `Class.name` under `root` whose instance attribute takes a name its Qt class
    has (Qt's own signals, kept per instance, excepted)."""
    hidden = set()
    for obj in [root, *root.findChildren(QObject)]:
        kind = type(obj)
        if kind.__module__.startswith("PySide6"):
            continue
        qt = _qt_class(kind)
        hidden |= {f"{kind.__name__}.{name}" for name, value in vars(obj).items()
                   if hasattr(qt, name) and not isinstance(value, SignalInstance)}
    return sorted(hidden)


def test_no_widget_of_the_window_hides_a_qt_method(qtbot, window, charting):
    session_id = charting.session()
    window.room.reload()
    window.open_session(session_id)
    assert window.findChildren(QObject)  # the pages and their widgets are there
    assert hidden_qt_names(window) == []
