"""The layers of ``src/klynge`` import one another only the way the README's architecture draws them.

Every import counts, also one inside a function: ``A`` may use ``B`` only where the picture has
an arrow from ``B`` to ``A``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "klynge"

# The parts of the package that use the database, the pages or the server: the lower layers never
# import them.
UPPER = {"batch", "widgets", "apps", "server", "cli", "operations", "demo"}
# What each layer must not import.
FORBIDDEN = {
    "model": {"store", "analysis", "strategy", "report", "reference", "canvases", *UPPER},
    "store": {"analysis", "strategy", "report", *UPPER},
    "analysis": {"store", "strategy", "report", *UPPER},
    "report": {"store", "analysis", *UPPER},
    # Findings are computed from the analyses and rendered by the report, never the other way.
    "strategy": {"store", "report", *UPPER},
    "batch": {"widgets", "apps", "server", "cli"},
    "widgets": {"apps", "server", "cli"},
    "server": {"apps", "widgets", "batch", "cli"},
}


def _part(path: Path) -> str:
    """The part of the package a file belongs to: ``store`` for ``store/keys.py``, ``cli`` for ``cli.py``."""
    rel = path.relative_to(SRC)
    return rel.parts[0].removesuffix(".py")


def imported_parts(path: Path) -> dict[str, int]:
    """The parts of the package ``path`` imports, each with the line of its first import."""
    package = list(path.relative_to(SRC.parent).with_suffix("").parts)
    if path.name != "__init__.py":
        package = package[:-1]
    found: dict[str, int] = {}
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = [*base, *(node.module.split(".") if node.module else [])]
            names = [module] if len(module) > 1 else [[*module, alias.name] for alias in node.names]
        elif isinstance(node, ast.Import):
            names = [alias.name.split(".") for alias in node.names]
        else:
            continue
        for name in names:
            if len(name) > 1 and name[0] == "klynge":
                found.setdefault(name[1], node.lineno)
    return found


def test_the_import_reader_sees_relative_absolute_and_nested_imports(tmp_path, monkeypatch):
    package = tmp_path / "klynge" / "report"
    package.mkdir(parents=True)
    (package / "pages.py").write_text("from ..store import Store\nfrom . import html\nimport klynge.model.base\n"
                                      "def f():\n    from klynge import analysis\n", encoding="utf-8")
    monkeypatch.setattr(f"{__name__}.SRC", tmp_path / "klynge")
    assert imported_parts(package / "pages.py") == {"store": 1, "report": 2, "model": 3, "analysis": 5}


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_a_layer_imports_nothing_above_or_beside_it(layer):
    wrong = []
    for path in sorted(SRC.rglob("*.py")):
        if _part(path) != layer:
            continue
        for part, line in imported_parts(path).items():
            if part in FORBIDDEN[layer]:
                wrong.append(f"{path.relative_to(SRC.parent)}:{line} imports klynge.{part}")
    assert not wrong, "\n".join(wrong)
