"""The summary's writers read the chart view in core, not export/summary: no circle between
export/summary (which calls them) and the formats it writes."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import ketamonitor.export

EXPORT = Path(ketamonitor.export.__file__).parent


def imported(module: Path) -> set[str]:
    tree = ast.parse(module.read_text())
    return {node.module for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and node.module}


@pytest.mark.parametrize("writer", ["pdf/summary.py", "summary_data.py", "fhir/bundle.py"])
def test_a_writer_takes_its_types_from_the_core_view(writer):
    found = imported(EXPORT / writer)
    assert "ketamonitor.export.summary" not in found
    assert "ketamonitor.core.chart_view" in found
