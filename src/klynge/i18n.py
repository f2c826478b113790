"""Message catalogues in bokmål, Swedish and English, and the lookup every screen uses.

The catalogues are YAML files in ``data/i18n/`` with the same keys in each language.
"""

from __future__ import annotations

from functools import cache

import yaml

from . import resources
from .errors import DataError
from .settings import LANGUAGES

__all__ = ["LANGUAGES", "catalogue", "t"]


@cache
def catalogue(lang: str) -> dict[str, str]:
    """All messages of one language, keyed by id.

    Raises
    ------
    DataError
        When ``lang`` is not one of nb, sv, en or its file is broken.
    """
    if lang not in LANGUAGES:
        raise DataError(f"no catalogue for language {lang!r}; Klynge speaks {', '.join(LANGUAGES)}")
    path = resources.path("data", "i18n", f"{lang}.yaml")
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as exc:
        raise DataError(f"{path}: not valid YAML ({exc})") from None
    if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
        raise DataError(f"{path}: expected a mapping of message ids to texts")
    return data


def t(key: str, lang: str = "nb", /, **values) -> str:
    """The message ``key`` in ``lang`` with ``{names}`` filled in from ``values``.

    A key missing in ``lang`` falls back to English, then to the key itself, so a screen
    never breaks over a missing text (the catalogue tests catch those).
    """
    text = catalogue(lang).get(key) or catalogue("en").get(key) or key
    if values:
        try:
            return text.format(**values)
        except (KeyError, IndexError, ValueError):
            return text
    return text
