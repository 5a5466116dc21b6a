"""One way for a form to attempt a write: the reasons beside the fields when the rules
refuse it, a plain message when the store refuses it outright (who may not, a signed chart,
a patient already in a chair), a plain message naming the file when the disk or file does,
and whatever was typed left where it was in every case. A refusal is never a bug: it never
reaches the bug dialog."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from PySide6.QtWidgets import QWidget

from ketamonitor.core.errors import ChartSigned, PhaseChangeRefused, RuleError, ValidationError
from ketamonitor.core.permissions import NotLoggedIn, PermissionDenied
from ketamonitor.store.interface import StoreError
from ketamonitor.ui.prompts import Prompts

Result = TypeVar("Result")

KEPT = "\n\nWhat you typed is still on the screen."

#: The title of the plain message for each kind of refusal (the first that fits).
_TITLES: tuple[tuple[type[RuleError], str], ...] = (
    (PermissionDenied, "Not permitted"),
    (NotLoggedIn, "Log in first"),
    (ChartSigned, "The chart is signed"),
)


def refusal_title(refused: RuleError) -> str:
    """The title for a refusal's plain message: its own, if it names one."""
    own = getattr(refused, "title", None)
    if isinstance(own, str):
        return own
    return next((title for kind, title in _TITLES if isinstance(refused, kind)), "Not done")


def refusal_text(refused: RuleError) -> str:
    """A refusal in words: a ValidationError's reasons one a line, else its message."""
    if isinstance(refused, ValidationError):
        return "\n".join(refused.reasons.values())
    text = str(refused)
    return text[:1].upper() + text[1:]


def tell_refusal(prompts: Prompts, parent: QWidget, refused: RuleError,
                 after: str = "") -> None:
    """A refusal from the rules or the store, as a plain message (never the bug dialog)."""
    prompts.show_problem(parent, refusal_title(refused), refusal_text(refused) + after)


def attempt(write: Callable[[], Result], show_reasons: Callable[[dict[str, str]], None],
            prompts: Prompts, parent: QWidget,
            show_refusal: Callable[[PhaseChangeRefused], None] | None = None, *,
            typed: bool = True) -> Result | None:
    """The write's result, or None once the person has been told why it did not happen.

    Each refusal is told one way everywhere: a ValidationError's reasons by `show_reasons`
    (beside the fields, or a dialog's problem line); a rule's refusal (who may not, a signed
    chart) as a plain message; a StoreError (full disk, read-only, locked, damaged) as its
    title and message naming the file. `typed` says whether the person's typing is still on
    screen (a form) or not (a one-click action), which the messages then say. Anything else
    (a StoreBug, any other exception) is a bug: it is not caught here, so it reaches the
    app's bug dialog with its traceback logged."""
    went, result = _attempted(write, show_reasons, prompts, parent, show_refusal, typed)
    return result if went else None


def attempt_done(write: Callable[[], object], show_reasons: Callable[[dict[str, str]], None],
                 prompts: Prompts, parent: QWidget, *, typed: bool = True) -> bool:
    """True when the write went through; False once the person has been told why not.

    A sibling of `attempt` for writes that return nothing: their None cannot tell a write
    that went through from one refused. Refusals are told exactly as `attempt` tells them."""
    went, _ = _attempted(write, show_reasons, prompts, parent, None, typed)
    return went


def reasons_in_dialog(prompts: Prompts, parent: QWidget,
                      title: str) -> Callable[[dict[str, str]], None]:
    """For an action with no field to put a reason beside (a menu command, a button over a
    table): the reasons one a line in a plain message titled `title`."""
    def show(reasons: dict[str, str]) -> None:
        prompts.show_problem(parent, title, "\n".join(reasons.values()))
    return show


def _attempted(write: Callable[[], Result], show_reasons: Callable[[dict[str, str]], None],
               prompts: Prompts, parent: QWidget,
               show_refusal: Callable[[PhaseChangeRefused], None] | None,
               typed: bool) -> tuple[bool, Result | None]:
    after = KEPT if typed else ""
    try:
        return True, write()
    except ValidationError as refused:
        show_reasons(refused.reasons)
    except PhaseChangeRefused as refused:
        if show_refusal is None:
            tell_refusal(prompts, parent, refused, after)
        else:
            show_refusal(refused)
    except RuleError as refused:  # who may not, a signed chart, a patient already seated
        tell_refusal(prompts, parent, refused, after)
    except StoreError as problem:
        prompts.show_problem(parent, problem.title, problem.message + after)
    return False, None
