"""The session page's action bar: the phase actions the chart offers now, the physician's
override beside the one it lets go ahead, and the pump's volume for a dose worked out
from it. The page connects each button to its intent."""

from __future__ import annotations

from collections.abc import Collection

from PySide6.QtWidgets import QHBoxLayout, QPushButton, QWidget

from ketamonitor.core.phases import Action
from ketamonitor.core.protocol import Route
from ketamonitor.core.wording import action_label


class ActionBar(QWidget):
    """The bar keeps its height when a phase offers none, so the form below never moves up
    or down with the phase."""

    def __init__(self, route: Route, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("action_bar")
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.action_buttons: dict[Action, QPushButton] = {}
        self.pump_volume_button = QPushButton("Pump volume infused…")
        self.pump_volume_button.setObjectName("pump_volume_infused")
        self.pump_volume_button.setToolTip("Confirm the volume infused that the pump shows: "
                                           "the dose given is then worked out from it")
        self.pump_volume_button.hide()
        row.addWidget(self.pump_volume_button)
        # shown only while something holds the next action (the holds on the start, the
        # gaps before discharge): a physician's override is the one way past them
        self.override_button = QPushButton("Physician override…")
        self.override_button.setObjectName("physician_override")
        self.override_button.hide()
        for action in Action:
            words = action_label(action, route)
            button = QPushButton(words + ("…" if action.needs_reason else ""))
            button.setObjectName(f"action_{action.value}")
            if action is Action.END_SESSION_EARLY:
                row.addWidget(self.override_button)  # beside the action it lets go ahead
                row.addStretch(1)  # the way out stands apart from the way forward
            row.addWidget(button)
            self.action_buttons[action] = button
        self.setFixedHeight(max(b.sizeHint().height() for b in self.action_buttons.values()))

    def draw(self, offered: Collection[Action]) -> None:
        """The actions offered now; a finished or read-only chart has none, and no bar."""
        for action, button in self.action_buttons.items():
            button.setVisible(action in offered)
        self.setVisible(bool(offered))
