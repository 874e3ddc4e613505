"""Sources are references a reader can look up: a publication (with its year), or the word
"assumption", "calibrated", "lever" or "definition" with a reason. No pointer the reader cannot
follow (a section of an internal design note, a row number of a spreadsheet) appears in a
shipped file."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from model.parameters import registry

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")), *sorted((ROOT / "model").glob("*.py")),
           ROOT / "model" / "parameters.csv", *sorted((ROOT / "analysis").glob("*.py")),
           *sorted((ROOT / "scenarios").glob("*.yaml")), *sorted((ROOT / "experiments").glob("*.y*ml"))]
DESIGN_POINTERS = re.compile(r"MODEL\.md|STYLE\.md|EVIDENCE\.md|design parameters|parameters\.csv,? rows? \d"
                             r"|\(rows? \d+|\bs\d+\b(?= of)|the seed's|\(A(: [^)]*)?\)")
KINDS = ("assumption", "calibrated", "lever", "definition")


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_shipped_file_points_at_design_notes(path):
    found = [m.group(0) for m in DESIGN_POINTERS.finditer(path.read_text(encoding="utf-8"))]
    assert found == [], f"{path.name} cites what a reader does not have: {found}"


def test_every_default_has_a_publication_or_says_what_kind_of_value_it_is():
    vague = [p.path for p in registry().values()
             if not p.source.startswith(KINDS) and not re.search(r"\b(19|20)\d\d\b", p.source)]
    assert vague == []
