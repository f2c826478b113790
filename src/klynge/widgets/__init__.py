"""The Python side of Klynge's widgets; their browser side is in the top-level ``widgets/`` folder.

Names load on first use, so importing :mod:`klynge.widgets.canvas_service` does not pull in
ipywidgets.
"""

from __future__ import annotations

from .._lazy import lazy_exports

__all__ = ["CanvasBoard", "CanvasService"]

_EXPORTS = {
    "CanvasBoard": "klynge.widgets.board",
    "CanvasService": "klynge.widgets.canvas_service",
}


__getattr__, __dir__ = lazy_exports(__name__, globals(), _EXPORTS)
