"""Message catalogues in bokmål, Swedish and English, the lookup every screen uses, and the browser's language.

The catalogues are YAML files in ``data/i18n/`` with the same keys in each language. A message
is a text with ``{names}``, or, when it shows a count, a mapping of CLDR plural forms chosen by
the count ``n``::

    home.missing.blocks:
      one: "{n} block without notes"
      other: "{n} blocks without notes"

:func:`t` fills the ``{names}`` in the language's way (:func:`klynge.formatting.localise`):
``12500`` reads "12 500" in nb and sv and "12,500" in en, a date "3. des. 2026", and a format
after the name says more (``{share:.1%}``, ``{amount:.2f}``, ``{year:d}``).

A message that cannot be filled (a name the caller did not give, a format that means nothing
for the value) is a bug in the code or in a catalogue. Under :func:`strict`, which the tests
switch on, :func:`t` raises :class:`MessageError` naming the key. Without it, as in production,
the error is logged and the participant gets the text with what could be filled in: a
participant never sees a Python error over a text.
"""

from __future__ import annotations

import logging
import string
from collections.abc import Mapping
from decimal import Decimal
from functools import cache

import yaml
from babel import Locale
from babel.core import negotiate_locale

from . import resources
from .errors import DataError, MessageError
from .formatting import LOCALES, localise
from .settings import LANGUAGES

__all__ = ["LANGUAGES", "MessageError", "catalogue", "negotiate", "strict", "t", "variants"]

log = logging.getLogger(__name__)

#: What a catalogue holds for one key: a text, or a text per plural form ("one", "other").
Message = str | dict[str, str]

_PLURAL_FORMS = frozenset({"zero", "one", "two", "few", "many", "other"})

# Browsers send "no" and "nn" for Norwegian readers; Danes read bokmål more easily than English.
_ALIASES = {"no": "nb", "nn": "nb", "da": "nb"}

_strict = False


@cache
def catalogue(lang: str) -> dict[str, Message]:
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
    if not isinstance(data, dict):
        raise DataError(f"{path}: expected a mapping of message ids to texts")
    for key, value in data.items():
        if isinstance(value, dict):
            if "other" not in value or not set(value) <= _PLURAL_FORMS \
                    or not all(isinstance(v, str) for v in value.values()):
                raise DataError(f"{path}: {key}: plural forms are texts under {', '.join(sorted(_PLURAL_FORMS))},"
                                f" with 'other' among them; got {sorted(value)}")
        elif not isinstance(value, str):
            raise DataError(f"{path}: {key}: expected a text or a mapping of plural forms")
    return data


def variants(message: Message) -> tuple[str, ...]:
    """Every text of a message: the text itself, or each of its plural forms."""
    return tuple(message.values()) if isinstance(message, dict) else (message,)


def strict(on: bool = True) -> bool:
    """Make a message that cannot be filled in raise :class:`MessageError` (``on``) or log and fall back.

    Returns the previous setting, so a caller can put it back.
    """
    global _strict
    before, _strict = _strict, on
    return before


class _Filler(string.Formatter):
    """Fills ``{names}`` with values written in one language; lenient leaves what it cannot fill as it was."""

    def __init__(self, lang: str, lenient: bool):
        self.lang, self.lenient = lang, lenient

    def get_value(self, key, args, kwargs):
        try:
            return super().get_value(key, args, kwargs)
        except (KeyError, IndexError):
            if not self.lenient:
                raise KeyError(f"no value for {{{key}}}") from None
            return _Unfilled(key)

    def format_field(self, value, format_spec):
        if isinstance(value, _Unfilled):
            return f"{{{value.name}{':' + format_spec if format_spec else ''}}}"
        try:
            return localise(value, self.lang, format_spec)
        except ValueError:
            if not self.lenient:
                raise
            return str(value)


class _Unfilled:
    def __init__(self, name):
        self.name = name


@cache
def _plural_rule(lang: str):
    return Locale.parse(LOCALES[lang]).plural_form


def _plural(message: Message, lang: str, values: Mapping) -> str:
    if not isinstance(message, dict):
        return message
    count = values.get("n")
    if not isinstance(count, (int, float, Decimal)) or isinstance(count, bool):
        raise KeyError(f"a plural message is chosen by a number n, got n={count!r}")
    form = _plural_rule(lang)(abs(count))
    return message.get(form, message["other"])


def t(key: str, lang: str = "nb", /, **values) -> str:
    """The message ``key`` in ``lang`` with ``{names}`` filled in from ``values``, written the language's way.

    A key missing in ``lang`` falls back to English, then to the key itself, so a screen never
    breaks over a missing text (the catalogue tests catch those). A message called without
    values is returned as it is, ``{names}`` and all (the browser fills some itself).

    Raises
    ------
    MessageError
        Under :func:`strict` only: when ``values`` lack a ``{name}`` of the message, or hold a
        value its format does not fit. Otherwise the problem is logged.
    """
    found = lang if key in catalogue(lang) else "en"
    message = catalogue(found).get(key, key)
    if not values:
        return message.get("other", "") if isinstance(message, dict) else message
    try:
        return _Filler(found, lenient=False).vformat(_plural(message, found, values), (), values)
    except (KeyError, IndexError, AttributeError, ValueError) as exc:
        problem = exc.args[0] if isinstance(exc, KeyError) and exc.args else exc
        if _strict:
            raise MessageError(f"message {key!r} in {found}: {problem}") from None
        log.error("message %r in %s: %s; shown as far as it could be filled in", key, found, problem)
        text = message.get("other", "") if isinstance(message, dict) else message
        try:
            return _Filler(found, lenient=True).vformat(text, (), values)
        except (ValueError, IndexError, AttributeError):
            return text


def negotiate(accept_language: str | None, default: str = "en", *, english: bool = True) -> str:
    """The language of nb, sv, en that an ``Accept-Language`` header asks for most, else ``default``.

    Weights (``q=``) order the header's languages; Babel's :func:`~babel.core.negotiate_locale`
    matches each (``nb-NO``, ``sv-FI`` by their language) and takes no, nn and da as nb. With
    ``english=False`` only bokmål and Swedish are taken from the header: many Nordic browsers say
    English by default, and the apps start in the cluster's language, with English one click away.
    """
    ranked = []
    for i, part in enumerate((accept_language or "").split(",")):
        tag, *params = (p.strip() for p in part.split(";"))
        weight = 1.0
        for param in params:
            name, _, number = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    weight = float(number)
                except ValueError:
                    weight = 0.0  # a weight that is no number: the tag is not meant seriously
        if tag and tag != "*" and weight > 0:
            ranked.append((-weight, i, tag.replace("_", "-").split("-")[0].lower()))
    available = LANGUAGES if english else tuple(lang for lang in LANGUAGES if lang != "en")
    found = negotiate_locale([tag for *_, tag in sorted(ranked)], available, sep="-", aliases=_ALIASES)
    return found or (default if default in LANGUAGES else "en")
