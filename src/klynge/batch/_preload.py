"""Preloaded by the batch's fork server: papermill is imported once for every worker forked from it."""

from ._worker import lighten_imports

lighten_imports()
