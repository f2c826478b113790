"""The batch notebooks are thin, committed without outputs, with typed and explained parameters."""

from __future__ import annotations

import json

import papermill
import pytest

from klynge import resources
from klynge.batch.runner import NOTEBOOKS

FORBIDDEN = ("db", "url", "password", "secret", "key", "token", "dsn")


@pytest.mark.parametrize("name", sorted(NOTEBOOKS.values()))
def test_batch_notebook_is_thin_and_clean(name):
    path = resources.path("notebooks", "batch", name)
    nb = json.loads(path.read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert 2 <= len(code) <= 6
    assert all(not c["outputs"] and c["execution_count"] is None for c in code), "commit notebooks without outputs"
    tagged = [c for c in code if "parameters" in c["metadata"].get("tags", [])]
    assert len(tagged) == 1 and code[0] is tagged[0]
    for cell in code[1:]:
        source = "".join(cell["source"])
        assert "def " not in source and "class " not in source and len(source.splitlines()) <= 3
        assert "klynge" in source or "steps." in source
    params = papermill.inspect_notebook(str(path))
    assert "lang" in params and "output_dir" in params
    for param in params.values():
        assert param["inferred_type_name"] in ("int", "str"), param
        assert param["help"], f"{param['name']} needs a help comment"
        assert not any(word in param["name"].split("_") for word in FORBIDDEN), "no secrets as parameters"
