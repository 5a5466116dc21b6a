"""The session page never calls the store: what it shows besides the chart it asks of its
open session (issue 18), so the room stays the one owner of each session."""

import ast
from pathlib import Path

import ketamonitor.ui.session as session_package

SESSION_UI = Path(session_package.__file__).parent


def _store_reads(source: Path) -> list[int]:
    """The lines of `source` that reach for a `.store` attribute."""
    tree = ast.parse(source.read_text(encoding="utf-8"))
    return [node.lineno for node in ast.walk(tree)
            if isinstance(node, ast.Attribute) and node.attr == "store"]


def test_no_session_page_module_reaches_for_a_store() -> None:
    modules = sorted(SESSION_UI.glob("*.py"))
    assert modules, "the session page's modules are where they were"
    found = {module.name: lines for module in modules if (lines := _store_reads(module))}
    assert found == {}
