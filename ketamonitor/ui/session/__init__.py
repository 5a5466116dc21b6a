"""One session's page: the shell (header, timer, actions, vitals form, chart) and a widget
per tab, each drawn from the room's copy of the chart."""

from ketamonitor.ui.session.page import SessionPage

__all__ = ["SessionPage"]
