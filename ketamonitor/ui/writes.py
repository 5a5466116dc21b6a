"""One way for a form to attempt a write: the reasons beside the fields when the rules
refuse it, a plain message naming the file when the disk or file does, and whatever was
typed left where it was in either case."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from PySide6.QtWidgets import QWidget

from ketamonitor.core.errors import PhaseChangeRefused, ValidationError
from ketamonitor.store.errors import StoreError
from ketamonitor.ui.prompts import Prompts

Result = TypeVar("Result")

KEPT = "\n\nWhat you typed is still on the screen."


def attempt(write: Callable[[], Result], show_reasons: Callable[[dict[str, str]], None],
            prompts: Prompts, parent: QWidget,
            show_refusal: Callable[[PhaseChangeRefused], None] | None = None) -> Result | None:
    """The write's result, or None once the person has been told why it did not happen."""
    try:
        return write()
    except ValidationError as refused:
        show_reasons(refused.reasons)
    except PhaseChangeRefused as refused:
        if show_refusal is None:
            raise
        show_refusal(refused)
    except StoreError as problem:
        prompts.show_problem(parent, problem.title, problem.message + KEPT)
    return None
