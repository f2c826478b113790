"""The Python side of Klynge's widgets; their browser side is in the top-level ``widgets/`` folder.

Names load on first use, so importing :mod:`klynge.widgets.canvas_service` does not pull in
ipywidgets.
"""

from __future__ import annotations

import importlib

__all__ = ["CanvasBoard", "CanvasService"]

_EXPORTS = {
    "CanvasBoard": "klynge.widgets.board",
    "CanvasService": "klynge.widgets.canvas_service",
}


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'klynge.widgets' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(__all__))
