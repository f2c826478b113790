import importlib

import klynge


def test_all_is_sorted_and_complete():
    assert klynge.__all__ == sorted(klynge.__all__)
    assert set(klynge._EXPORTS) | {"__version__"} == set(klynge.__all__)
    for name in klynge.__all__:
        assert getattr(klynge, name) is not None


def test_submodule_all_lists_exist():
    for module in ("klynge.errors", "klynge.model", "klynge.store", "klynge.settings", "klynge.resources",
                   "klynge.operations", "klynge.validation", "klynge.i18n", "klynge.reference"):
        mod = importlib.import_module(module)
        for name in mod.__all__:
            assert hasattr(mod, name), f"{module}.{name}"


def test_importing_klynge_is_light():
    import subprocess
    import sys
    code = "import sys, klynge.cli; print('sqlalchemy' in sys.modules, 'pydantic' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]
