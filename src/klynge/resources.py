"""Find Klynge's non-Python folders (canvases, widgets, data, notebooks) in a checkout or a wheel.

In a source checkout (or an editable install) they sit at the top of the repository, beside
``src/``; an installed wheel carries them inside the package as ``klynge/_shared/``.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from .errors import NotFound

__all__ = ["FOLDERS", "path", "root"]

FOLDERS = ("canvases", "widgets", "data", "notebooks")

_PACKAGE = Path(__file__).resolve().parent


@cache
def root() -> Path:
    """The folder that holds ``canvases/``, ``widgets/``, ``data/`` and ``notebooks/``."""
    candidates = [_PACKAGE / "_shared", _PACKAGE.parent.parent]
    for candidate in candidates:
        if all((candidate / name).is_dir() for name in FOLDERS):
            return candidate
    searched = ", ".join(str(c) for c in candidates)
    raise NotFound(
        f"Klynge's resource folders ({', '.join(FOLDERS)}) were not found; looked in {searched}. "
        "Reinstall klynge, or run from a full checkout."
    )


def path(*parts: str) -> Path:
    """A path inside the resource root, e.g. ``path("data", "reference", "sdg_targets.csv")``.

    Raises
    ------
    NotFound
        When the first part is not one of the resource folders.
    """
    if not parts or parts[0] not in FOLDERS:
        raise NotFound(f"resources live in one of {', '.join(FOLDERS)}; got {parts!r}")
    return root().joinpath(*parts)
