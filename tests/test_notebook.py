"""The analyst notebook runs top to bottom on the default world."""

from __future__ import annotations

import os
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

pytestmark = pytest.mark.slow

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "01_variante_scenario.ipynb"


def test_notebook_executes(default_world, monkeypatch, tmp_path):
    monkeypatch.setenv("CITES_PRIORITY_DATA", str(default_world))
    nb = nbformat.read(NOTEBOOK, as_version=4)
    NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    outputs = [o for cell in nb.cells if cell.cell_type == "code" for o in cell.get("outputs", [])]
    assert not [o for o in outputs if o.output_type == "error"]
    text = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    assert "25 cités" in text
    assert os.environ["CITES_PRIORITY_DATA"] == str(default_world)
