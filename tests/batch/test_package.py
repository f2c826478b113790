"""The batch package's public surface, and what importing it costs."""

from __future__ import annotations

import subprocess
import sys

import klynge.batch


def test_all_is_sorted_and_complete():
    assert klynge.batch.__all__ == sorted(klynge.batch.__all__)
    for name in klynge.batch.__all__:
        assert getattr(klynge.batch, name) is not None


def test_importing_the_runner_leaves_papermill_and_the_plotting_stack_for_the_workers():
    code = ("import sys, klynge.batch, klynge.batch.runner; "
            "print(sorted(m for m in ('papermill', 'nbclient', 'jupyter_client', 'matplotlib', 'pandas', "
            "'distributed') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
