"""The public surface, derived from the package itself: what users import, and the exception tree."""

import importlib
import inspect
import pkgutil
import re
import subprocess
import sys
import types

import pytest

import klynge
from klynge import errors

# Every module of the package except the command's entry point (importing it runs the command).
MODULES = sorted(m.name for m in pkgutil.walk_packages(klynge.__path__, "klynge.") if not m.name.endswith("__main__"))
PACKAGES = ["klynge", *(m.name for m in pkgutil.walk_packages(klynge.__path__, "klynge.") if m.ispkg)]


def _defined_in(module: types.ModuleType) -> dict[str, object]:
    """The public classes and functions a module defines itself (not the ones it imports)."""
    return {name: obj for name, obj in vars(module).items()
            if not name.startswith("_") and (inspect.isclass(obj) or inspect.isfunction(obj))
            and obj.__module__ == module.__name__}


def _exceptions() -> dict[str, type]:
    return {name: obj for name, obj in vars(errors).items()
            if inspect.isclass(obj) and issubclass(obj, errors.KlyngeError)}


def _drawn_tree() -> dict[str, str | None]:
    """Each class drawn in the errors module's docstring, with the class drawn above it (its parent)."""
    parents: dict[str, str | None] = {}
    stack: list[str] = []
    for line in errors.__doc__.splitlines():
        found = re.match(r"^ {4}((?:[│ ] {3})*)(?:[├└]── )?([A-Z]\w+)\b", line)
        if not found:
            continue
        depth = len(found.group(1)) // 4 + (1 if "──" in line else 0)
        stack[depth:] = [found.group(2)]
        parents[found.group(2)] = stack[depth - 1] if depth else None
    return parents


def test_all_is_sorted_and_resolves():
    assert klynge.__all__ == sorted(klynge.__all__)
    assert len(set(klynge.__all__)) == len(klynge.__all__)
    for name in klynge.__all__:
        assert getattr(klynge, name) is not None, name
    assert set(dir(klynge)) >= set(klynge.__all__)


def test_every_exception_is_exported_and_drawn_under_its_parent():
    tree = _drawn_tree()
    exceptions = _exceptions()
    assert set(tree) == set(exceptions), "the docstring's drawing and the classes differ"
    for name, cls in exceptions.items():
        assert name in errors.__all__, f"klynge.errors.__all__ lacks {name}"
        assert name in klynge.__all__, f"klynge.__all__ lacks {name}"
        assert getattr(klynge, name) is cls
        parent = cls.__bases__[0]
        assert tree[name] == (None if parent is Exception else parent.__name__), f"{name} is drawn under {tree[name]}"


def test_errors_all_names_what_the_module_defines():
    assert errors.__all__ == sorted(errors.__all__)
    assert set(errors.__all__) == set(_defined_in(errors))


@pytest.mark.parametrize("module", MODULES)
def test_klynge_errors_live_in_the_tree(module):
    mod = importlib.import_module(module)
    for name, obj in vars(mod).items():
        if inspect.isclass(obj) and issubclass(obj, errors.KlyngeError) and not name.startswith("_"):
            assert obj.__module__ == "klynge.errors", f"{module}.{name} is a Klynge error outside klynge.errors"


@pytest.mark.parametrize("module", MODULES)
def test_every_all_resolves(module):
    mod = importlib.import_module(module)
    for name in getattr(mod, "__all__", ()):
        assert hasattr(mod, name), f"{module}.__all__ names {name}, which does not exist"


@pytest.mark.parametrize("package", PACKAGES)
def test_packages_name_what_they_define(package):
    mod = importlib.import_module(package)
    missing = set(_defined_in(mod)) - set(getattr(mod, "__all__", ()))
    assert not missing, f"{package} defines {', '.join(sorted(missing))} without naming it in __all__"


def test_errors_read_as_sentences():
    clash = errors.TargetClash(types.SimpleNamespace(target="8.9"), None, ["Kari"], 4)
    assert isinstance(clash, errors.Conflict) and clash.saved_by == ["Kari"] and clash.head == 4
    assert str(clash) == "Kari changed target 8.9 in between (now revision 4)"
    assert [c.item_id for c in clash.clashes] == ["8.9"]
    assert str(errors.TargetClash(types.SimpleNamespace(target="1.2"), None, [], 2)).startswith("someone changed")
    problems = errors.FormProblems([("orgnr", "Org. no.", "nine digits"), ("orgnr", "Org. no.", "again")])
    assert problems.by_field == {"orgnr": "nine digits"}
    assert str(problems) == "Org. no.: nine digits; Org. no.: again"


def test_importing_klynge_is_light():
    code = "import sys, klynge.cli; print('sqlalchemy' in sys.modules, 'pydantic' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]
