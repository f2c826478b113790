"""The ``klynge`` papermill engine: one warm kernel, reset between notebooks, fresh when due."""

from __future__ import annotations

import importlib.metadata
import json
import time

import papermill
import pytest
from papermill.exceptions import PapermillExecutionError

from klynge.batch.engine import WarmEngine, WarmKernel

from .conftest import NOTEBOOKS


@pytest.fixture
def kernel():
    with WarmKernel(fresh_every=3) as warm:
        yield warm


def _run(kernel, notebook, out, cwd, **parameters):
    return papermill.execute_notebook(str(NOTEBOOKS / notebook), str(out), parameters=parameters,
                                      engine_name="klynge", kernel=kernel, progress_bar=False,
                                      resources={"metadata": {"path": str(cwd)}})


def test_the_entry_point_registers_the_engine():
    points = importlib.metadata.entry_points(group="papermill.engine")
    assert points["klynge"].load() is WarmEngine
    from papermill.engines import papermill_engines
    assert papermill_engines.get_engine("klynge") is WarmEngine


def test_one_kernel_runs_many_notebooks_each_from_a_clean_start(kernel, tmp_path):
    for value in range(3):
        nb = _run(kernel, "tiny.ipynb", tmp_path / f"{value}.ipynb", tmp_path, value=value)
        code = [c for c in nb.cells if c.cell_type == "code"]
        assert code[-1].outputs[0]["text"] == f"{value * 2}\n"
        assert [c.execution_count for c in code] == list(range(1, len(code) + 1))  # as in a fresh kernel
    assert kernel.starts == 1 and kernel.used == 3
    _run(kernel, "tiny.ipynb", tmp_path / "4.ipynb", tmp_path, value=4)
    assert kernel.starts == 2 and kernel.used == 1  # fresh_every=3


def test_a_failing_cell_is_marked_and_the_next_notebook_gets_a_fresh_kernel(kernel, tmp_path):
    out = tmp_path / "failed.ipynb"
    with pytest.raises(PapermillExecutionError) as caught:
        _run(kernel, "fails.ipynb", out, tmp_path, organisation_id=7)
    assert caught.value.ename == "ValueError" and "member 7" in caught.value.evalue
    nb = json.loads(out.read_text())
    assert any("papermill-error-cell-tag" in c["metadata"].get("tags", []) for c in nb["cells"])
    failing = [c for c in nb["cells"] if c["metadata"].get("papermill", {}).get("exception")]
    assert len(failing) == 1 and "raise ValueError" in "".join(failing[0]["source"])
    _run(kernel, "tiny.ipynb", tmp_path / "next.ipynb", tmp_path, value=1)
    assert kernel.starts == 2


def test_a_cell_that_runs_too_long_is_marked_and_its_kernel_replaced(kernel, tmp_path):
    out = tmp_path / "slow.ipynb"
    started = time.monotonic()
    with pytest.raises(PapermillExecutionError) as caught:
        papermill.execute_notebook(str(NOTEBOOKS / "sleeps.ipynb"), str(out), parameters={"seconds": 60},
                                   engine_name="klynge", kernel=kernel, progress_bar=False, execution_timeout=2)
    assert time.monotonic() - started < 30
    assert caught.value.ename == "CellTimeoutError"
    nb = json.loads(out.read_text())
    assert any("papermill-error-cell-tag" in c["metadata"].get("tags", []) for c in nb["cells"])
    nb = _run(kernel, "tiny.ipynb", tmp_path / "after.ipynb", tmp_path, value=2)
    assert kernel.starts == 2 and nb.cells[-1].outputs[0]["text"] == "4\n"
