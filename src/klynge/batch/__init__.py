"""The facilitator batch: every member's analysis, the cluster's picture, every member's report.

The batch runs the parameterised notebooks in ``notebooks/batch/`` with papermill, in passes
(:func:`run_batch`), on a pool of workers that each keep a warm kernel
(:mod:`klynge.batch.engine`), on this machine or on a Dask cluster
(:mod:`klynge.batch.executors`). Importing this package is light: papermill, nbclient and
the executors load when a batch runs.
"""

from __future__ import annotations

import importlib

_EXPORTS = {
    "BatchSummary": "klynge.batch.runner",
    "MemberResult": "klynge.batch.runner",
    "WarmEngine": "klynge.batch.engine",
    "WarmKernel": "klynge.batch.engine",
    "format_summary": "klynge.batch.runner",
    "get_executor": "klynge.batch.executors",
    "register_executor": "klynge.batch.executors",
    "run_batch": "klynge.batch.runner",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'klynge.batch' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(__all__))
