"""Klynge: the workbench of a tourism cluster that co-creates sustainable low-season products.

What users import is named here; submodules load on first use, so ``klynge --help`` stays fast.
Every exception of :mod:`klynge.errors` is exported too, so ``except klynge.Conflict`` works.
"""

from __future__ import annotations

from . import errors as _errors
from ._lazy import lazy_exports

__version__ = "0.1.0"

_EXPORTS = {
    **dict.fromkeys(_errors.__all__, "klynge.errors"),
    "Identity": "klynge.store",
    "Settings": "klynge.settings",
    "Store": "klynge.store",
    "load_settings": "klynge.settings",
    "open_store": "klynge.store",
    "t": "klynge.i18n",
    "validate": "klynge.validation",
}

__all__ = sorted([*_EXPORTS, "__version__"])


__getattr__, __dir__ = lazy_exports(__name__, globals(), _EXPORTS)
