"""Klynge: the workbench of a tourism cluster that co-creates sustainable low-season products.

What users import is named here; submodules load on first use, so ``klynge --help`` stays fast.
"""

from __future__ import annotations

from ._lazy import lazy_exports

__version__ = "0.1.0"

_EXPORTS = {
    "AccessDenied": "klynge.errors",
    "Conflict": "klynge.errors",
    "Identity": "klynge.store",
    "KlyngeError": "klynge.errors",
    "MeetingError": "klynge.errors",
    "NotFound": "klynge.errors",
    "Settings": "klynge.settings",
    "Store": "klynge.store",
    "ValidationError": "klynge.errors",
    "load_settings": "klynge.settings",
    "open_store": "klynge.store",
    "t": "klynge.i18n",
    "validate": "klynge.validation",
}

__all__ = [
    "AccessDenied",
    "Conflict",
    "Identity",
    "KlyngeError",
    "MeetingError",
    "NotFound",
    "Settings",
    "Store",
    "ValidationError",
    "__version__",
    "load_settings",
    "open_store",
    "t",
    "validate",
]


__getattr__, __dir__ = lazy_exports(__name__, globals(), _EXPORTS)
