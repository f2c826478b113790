"""The research examples (``notebooks/research/``): thin, and they run with papermill on the demo's research export."""

from __future__ import annotations

import json

import papermill
import pytest

from klynge import resources
from klynge.batch.engine import WarmKernel
from klynge.demo import load_demo
from klynge.lab import examples
from klynge.research import export_research
from klynge.settings import load_settings
from klynge.store import open_store

OUTPUTS = {"sdg_cooccurrence.ipynb": "sdg_cooccurrence.png", "seasonality_by_sector.ipynb": "seasonality_by_sector.png",
           "partner_network.ipynb": "partner_network.png"}


@pytest.fixture(scope="module")
def research_dir(tmp_path_factory):
    """The demo cluster's research export (SQLite): the notebooks read the files, not the database."""
    base = tmp_path_factory.mktemp("research")
    url = f"sqlite:///{base / 'klynge.db'}"
    with open_store(url) as store:
        load_demo(store, load_settings(home=str(base / "home"), db=url), progress=False)
        export_research(store, base / "tables", key="notebooks")
    return base / "tables"


@pytest.fixture(scope="module")
def kernel():
    with WarmKernel(fresh_every=10) as warm:
        yield warm


def test_every_example_is_listed_and_thin():
    assert sorted(p.name for p in examples()) == sorted(OUTPUTS)
    for path in examples():
        nb = json.loads(path.read_text(encoding="utf-8"))
        code = [c for c in nb["cells"] if c["cell_type"] == "code"]
        assert all(not c["outputs"] and c["execution_count"] is None for c in code), "commit notebooks without outputs"
        assert "parameters" in code[0]["metadata"].get("tags", [])
        for cell in code[1:]:
            source = "".join(cell["source"])
            assert "def " not in source and "class " not in source and len(source.splitlines()) <= 3
        params = papermill.inspect_notebook(str(path))
        assert set(params) == {"research_dir", "output_dir"} and all(p["help"] for p in params.values())


@pytest.mark.parametrize("name", sorted(OUTPUTS))
def test_the_example_runs_on_the_demo_export(name, research_dir, kernel, tmp_path):
    out = tmp_path / "out"
    nb = papermill.execute_notebook(str(resources.path("notebooks", "research", name)), str(tmp_path / name),
                                    parameters={"research_dir": str(research_dir), "output_dir": str(out)},
                                    engine_name="klynge", kernel=kernel, progress_bar=False,
                                    resources={"metadata": {"path": str(tmp_path)}})
    figure = out / OUTPUTS[name]
    assert figure.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and figure.stat().st_size > 5000
    shown = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs
             if o.get("output_type") == "execute_result"]
    assert shown, "the example shows a table"
