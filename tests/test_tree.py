"""The test tree mirrors the package (issue 18, item 7): every module with logic in the
layers below the widgets has a test module at the mirrored path, so a reader looking for a
module's tests finds them by its name, and a new module without tests is noticed here.

Convention: `ketamonitor/<package>/<module>.py` is tested in
`tests/<package>/<module's name prefixed with test_>.py`, e.g. `ketamonitor/core/dose.py` ->
`tests/core/test_dose.py` and `ketamonitor/export/pdf/paginator.py` ->
`tests/export/pdf/test_paginator.py`. A module too big for one test file may instead have a
test package named for it, `tests/core/dose/` (with its own `__init__.py`). A package's
`__init__.py` with logic is tested in `tests/<parent>/test_<package>.py`. Test modules
named for a behaviour that spans several modules (`test_worsening.py`, ...) stay as they
are: this test asks only that the mirrored one exists.

"Logic" is decided from the source, not by hand: a module has logic when it defines a
function, or a class with a method whose body does more than `...`/`pass`/a docstring.
Constants, enums and dataclasses without methods, re-exports and Protocols need no test
module of their own. `NOT_YET` names the modules with logic that have no mirrored test
module yet, each with its reason ("TODO issue 18" for the work left, otherwise why the module
is a true exception); it may only shrink, and an entry that is no longer needed fails this
test so the list stays true.
"""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "ketamonitor"
TESTS = ROOT / "tests"

# The packages below the widgets, whose modules are tested one by one.
MIRRORED = ("core", "store", "export", "room", "plotting", "demo", "feed")

# Why a module is not mirrored yet: where its tests are today.
_STORE_PART = "TODO issue 18: a part of Store, tested through Store in tests/store's files"
_DEMO_PART = "TODO issue 18: tested as a whole through demo's entry point in store/test_demo.py"
_ROOM_PART = "TODO issue 18: tested through Room in room/test_room.py and tests/ui/test_room*"
_DRAWN = "TODO issue 18: tested through the charts drawn in tests/ui"
_CALLERS = "TODO issue 18: tested only through the tests of its callers"

# Modules with logic and no mirrored test module yet, each with its reason.
NOT_YET: dict[str, str] = {
    "core/chart.py": "TODO issue 18: tested within core/test_course.py, core/test_dose.py",
    "core/chart_view/build.py": _CALLERS,
    "core/chart_view/rows.py": _CALLERS,
    "core/records.py": "TODO issue 18: tested within core/test_chart_marks.py, core/test_dose.py",
    "store/base.py": _STORE_PART,
    "store/parts.py": ("not a TODO: StoreCore declares what Store's parts use of each other, "
                       "each method only raising NotImplementedError for a part to implement"),
    "store/rows.py": _STORE_PART,
    "store/schema.py":
        "TODO issue 18: tested within store/test_backup.py, store/test_connection.py",
    "room/session.py": _ROOM_PART,
    "plotting/course_plot.py": _DRAWN,
    "plotting/readout.py": _DRAWN,
    "plotting/session_plot.py": _DRAWN,
    "plotting/shades.py": _DRAWN,
    "plotting/style.py": _DRAWN,
    "plotting/traces.py": _DRAWN,
    "demo/accounts.py": _DEMO_PART,
    "demo/body.py": _DEMO_PART,
    "demo/charting.py": _DEMO_PART,
    "demo/clinic.py": _DEMO_PART,
    "demo/courses.py": _DEMO_PART,
    "demo/day.py": _DEMO_PART,
    "demo/incident_kinds.py": _DEMO_PART,
    "demo/incidents.py": _DEMO_PART,
    "demo/people.py": _DEMO_PART,
    "demo/planner.py": _DEMO_PART,
    "demo/script.py": _DEMO_PART,
    "demo/side_effects.py": _DEMO_PART,
    "demo/writes.py": _DEMO_PART,
}


def _is_stub(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """A body of only a docstring, `...` or `pass` declares a signature, it does nothing."""
    for statement in function.body:
        if isinstance(statement, ast.Pass):
            continue
        if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant):
            continue  # a docstring or `...`
        return False
    return True


def has_logic(source: str) -> bool:
    """Whether a module defines a function, or a class with a method that does something."""
    for node in ast.parse(source).body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and not _is_stub(node):
            return True
        if isinstance(node, ast.ClassDef) and any(
                isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef) and not _is_stub(item)
                for item in node.body):
            return True
    return False


def mirrored_tests(module: Path) -> tuple[Path, ...]:
    """Where the tests of `module` (a path under ketamonitor/) may live, by the convention."""
    relative = module.relative_to(PACKAGE)
    if module.name == "__init__.py":
        folder = relative.parent
        return (TESTS / folder.parent / f"test_{folder.name}.py",)
    folder = TESTS / relative.parent
    return (folder / f"test_{module.stem}.py", folder / module.stem / "__init__.py")


def modules_with_logic() -> list[str]:
    """Every module with logic in the mirrored packages, as its path under ketamonitor/."""
    found = []
    for package in MIRRORED:
        for module in sorted((PACKAGE / package).rglob("*.py")):
            if has_logic(module.read_text(encoding="utf-8")):
                found.append(module.relative_to(PACKAGE).as_posix())
    return found


def untested() -> list[str]:
    """The modules with logic whose mirrored test module does not exist."""
    return [name for name in modules_with_logic()
            if not any(path.exists() for path in mirrored_tests(PACKAGE / name))]


def test_every_module_with_logic_has_its_mirrored_test_module():
    missing = [name for name in untested() if name not in NOT_YET]
    assert missing == [], (
        "these modules have logic but no test module at the mirrored path "
        "(see this file's docstring for the convention): " + ", ".join(missing))


def test_the_list_of_modules_not_yet_tested_holds_only_what_is_still_missing():
    stale = sorted(set(NOT_YET) - set(untested()))
    assert stale == [], "now tested or gone, take them off NOT_YET: " + ", ".join(stale)


def test_the_rule_tells_logic_from_declarations():
    assert has_logic("def f():\n    return 1\n")
    assert has_logic("class A:\n    def m(self):\n        return 1\n")
    assert has_logic("class A:\n    def m(self):\n        '''Why.'''\n        return 1\n")
    assert not has_logic("X = 1\nfrom a import b\n")
    assert not has_logic("@dataclass\nclass A:\n    x: int = 0\n")
    assert not has_logic("class P(Protocol):\n    def m(self) -> int: ...\n")
    assert not has_logic("class P(Protocol):\n    def m(self) -> int:\n        '''Doc.'''\n")


def test_a_module_is_mirrored_by_its_name_or_a_package_of_its_name():
    assert mirrored_tests(PACKAGE / "core" / "dose.py") == (
        TESTS / "core" / "test_dose.py", TESTS / "core" / "dose" / "__init__.py")
    assert mirrored_tests(PACKAGE / "export" / "pdf" / "paginator.py")[0] == (
        TESTS / "export" / "pdf" / "test_paginator.py")
    assert mirrored_tests(PACKAGE / "export" / "pdf" / "__init__.py") == (
        TESTS / "export" / "test_pdf.py",)
