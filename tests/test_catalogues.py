"""The catalogues: every key in each language, the same placeholders and plural forms, calls that fill them.

A key counts as used when the code names it as a literal string, or when the code builds it
from a prefix (``f"kind.{value}"``, ``"board." + key``, ``"kind." ~ key`` in a template, ``key.startswith("board.")``, a
JavaScript template ``` `month.${m}` ```) and the rest of the key is itself a literal in the
code, a field of a model (``field.amount``) or a number (month 1 to 12), or parts that
each are (``f"batch.{group}.{value}"`` gives ``batch.sector.camping``).
"""

from __future__ import annotations

import ast
import re
import string
from functools import cache

import pytest
from babel import Locale
from pydantic import BaseModel

from klynge import model, resources
from klynge.formatting import LOCALES
from klynge.i18n import LANGUAGES, catalogue, variants

_CODE_GLOBS = ("src/**/*.py", "src/**/*.j2", "notebooks/**/*.ipynb", "widgets/**/*.js", "widgets/**/*.j2",
               "widgets/**/*.html")
_LITERAL = re.compile(r"""["'`]([A-Za-z0-9_.\-]+)["'`]""")
_PREFIXES = (
    re.compile(r"""f["']([a-z0-9_.]+\.)\{"""),                 # f"kind.{value}"
    re.compile(r"""["']([a-z0-9_.]+\.)["']\s*\+"""),           # "kind." + value
    re.compile(r"""["']([a-z0-9_.]+\.)["']\s*~"""),            # "kind." ~ value (a Jinja2 template)
    re.compile(r"""startswith\(["']([a-z0-9_.]+\.)["']\)"""),  # k.startswith("board.")
    re.compile(r"""`([a-z0-9_.]+\.)\$\{"""),                   # `month.${m}`
)


@cache
def _code() -> str:
    root = resources.root()
    return "\n".join(p.read_text(encoding="utf-8") for pattern in _CODE_GLOBS for p in sorted(root.glob(pattern)))


@cache
def _literals() -> frozenset[str]:
    fields = {name for cls in vars(model).values() if isinstance(cls, type) and issubclass(cls, BaseModel)
              for name in cls.model_fields}
    return frozenset(_LITERAL.findall(_code())) | fields


@cache
def _prefixes() -> frozenset[str]:
    return frozenset(p for rx in _PREFIXES for p in rx.findall(_code()))


def _used(key: str, top: bool = True) -> bool:
    if key in _literals():
        return True
    if not top and all(part in _literals() or part.isdigit() for part in key.split(".")):
        return True
    parts = key.split(".")
    for i in range(1, len(parts)):
        head, rest = ".".join(parts[:i]) + ".", ".".join(parts[i:])
        if head in _prefixes() and _used(rest, top=False):
            return True
    return False


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("lang", [lang for lang in LANGUAGES if lang != "en"])
def test_every_language_has_every_key(lang):
    theirs, english = set(catalogue(lang)), set(catalogue("en"))
    assert not english - theirs, f"missing in {lang}.yaml: {sorted(english - theirs)}"
    assert not theirs - english, f"missing in en.yaml: {sorted(theirs - english)}"


def _message_fields(message) -> set[str]:
    return set().union(*(_fields(text) for text in variants(message)))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_text_is_empty_and_placeholders_match(lang):
    english = catalogue("en")
    for key, message in catalogue(lang).items():
        for text in variants(message):
            assert text.strip(), f"{lang}.yaml: {key} is empty"
        assert _message_fields(message) == _message_fields(english.get(key, message)), \
            f"{lang}.yaml: {key} has other {{names}} than en.yaml"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_plural_messages_have_the_languages_forms_and_a_count(lang):
    forms = Locale.parse(LOCALES[lang]).plural_form.tags | {"other"}
    for key, message in catalogue(lang).items():
        if isinstance(message, dict):
            assert set(message) == forms, f"{lang}.yaml: {key} has forms {sorted(message)}, {lang} has {sorted(forms)}"
            assert _fields(message["other"]) == _message_fields(message), \
                f"{lang}.yaml: {key}: 'other' lacks a {{name}}"
            assert "n" in _fields(message["other"]), f"{lang}.yaml: {key}: a plural message shows its count {{n}}"
        assert isinstance(catalogue("en").get(key, message), dict) == isinstance(message, dict), \
            f"{key} is a plural message in one language only"


def _calls() -> list[tuple[str, int, str, set[str]]]:
    """Each ``t("key", lang, name=...)`` in the package: file, line, key and the names it passes."""
    found = []
    for path in sorted((resources.root() / "src").glob("**/*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "t"
                    and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)
                    and node.keywords and all(k.arg for k in node.keywords)):
                found.append((path.name, node.lineno, node.args[0].value, {k.arg for k in node.keywords}))
    return found


def test_every_call_gives_the_names_its_message_needs():
    assert len(_calls()) > 50  # the finder finds the calls
    wrong = [f"{file}:{line} {key} lacks {sorted(need - given)}" for file, line, key, given in _calls()
             for need in [set().union(*(_message_fields(catalogue(lang).get(key, "")) for lang in LANGUAGES))]
             if need - given]
    assert not wrong, "calls that leave {names} of their message empty: " + "; ".join(wrong)


def test_every_key_a_call_names_is_in_the_catalogues():
    called = []
    for path in sorted((resources.root() / "src").glob("**/*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "t" and node.args
                    and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
                called.append((path.name, node.lineno, node.args[0].value))
    assert len(called) > 200  # the finder finds the calls
    absent = sorted(f"{file}:{line} {key}" for file, line, key in called if key not in catalogue("en"))
    assert not absent, f"calls of keys no catalogue has: {absent}"


def test_every_key_is_used_by_some_code():
    unused = sorted(key for key in catalogue("en") if not _used(key))
    assert not unused, f"keys no code uses (remove them, or use them): {unused}"


def test_the_unused_key_check_finds_an_unused_key():
    assert _used("home.greeting")
    assert _used("kind.company")  # f"kind.{...}" and "company" in the model's vocabulary
    assert not _used("home.no_such_message")
    assert not _used("kind.no_such_kind")
