"""Committed template notebooks are valid nbformat, carry no outputs, and take a data_file parameter."""

from __future__ import annotations

import nbformat
import pytest

from helpers.project import DISTRICT_TEMPLATE
from helpers.report import formats
from tests.conftest import ROOT

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def test_every_format_has_a_template():
    assert {p.name for p in NOTEBOOKS} >= {*(f.template for f in formats.all_formats()), DISTRICT_TEMPLATE}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_template_is_valid_and_clean(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not c.outputs and c.execution_count is None for c in code)
    params = [c for c in code if "parameters" in c.metadata.get("tags", [])]
    expected = ["data_dir", "district", "year"] if path.name == "district_summary.ipynb" else ["data_file"]
    assert len(params) == 1 and all(name in params[0].source for name in expected)
    assert nb.metadata.kernelspec.name == "python3"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_template_stays_thin(path):
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert len(cell.source.splitlines()) <= 5, cell.source
