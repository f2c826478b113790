"""Validate what a person typed and explain every problem in their language.

>>> from klynge.model import Offer
>>> validate(Offer, {"title": ""}, "en")   # doctest: +SKIP
klynge.errors.ValidationError: Title: must have at least 1 characters; ...
"""

from __future__ import annotations

from typing import TypeVar

import pydantic

from .errors import ValidationError
from .i18n import t

__all__ = ["explain", "validate"]

M = TypeVar("M", bound=pydantic.BaseModel)

# pydantic's error types, mapped onto Klynge's catalogue keys.
_KEYS = {
    "missing": "error.missing",
    "string_too_short": "error.too_short",
    "string_too_long": "error.too_long",
    "too_short": "error.list_too_short",
    "too_long": "error.list_too_long",
    "greater_than_equal": "error.at_least",
    "less_than_equal": "error.at_most",
    "greater_than": "error.above",
    "less_than": "error.below",
    "int_parsing": "error.not_whole_number",
    "int_type": "error.not_whole_number",
    "int_from_float": "error.not_whole_number",
    "float_parsing": "error.not_number",
    "float_type": "error.not_number",
    "decimal_parsing": "error.not_number",
    "decimal_type": "error.not_number",
    "finite_number": "error.not_number",
    "decimal_max_places": "error.too_many_decimals",
    "decimal_max_digits": "error.too_many_digits",
    "decimal_whole_digits": "error.too_many_digits",
    "literal_error": "error.choice",
    "enum": "error.choice",
    "string_pattern_mismatch": "error.format",
    "bool_parsing": "error.yes_no",
    "bool_type": "error.yes_no",
    "extra_forbidden": "error.unknown_field",
    "string_type": "error.not_text",
    "list_type": "error.not_list",
}


def _field(loc: tuple, lang: str) -> str:
    parts = []
    for p in loc:
        if isinstance(p, int):
            parts.append(t("field.item", lang, n=p + 1))
        elif isinstance(p, str) and not p.startswith(("function-", "literal[")):
            label = t(f"field.{p}", lang)
            parts.append(p if label == f"field.{p}" else label)
    return " › ".join(parts)


def _message(error: dict, lang: str) -> str:
    kind = error["type"]
    ctx = dict(error.get("ctx") or {})
    if "actual_length" not in ctx and isinstance(error.get("input"), (str, list)):
        ctx["actual_length"] = len(error["input"])
    for bound in ("ge", "le", "gt", "lt"):
        if bound in ctx:
            ctx["limit"] = ctx[bound]
    for count in ("min_length", "max_length", "decimal_places"):
        if count in ctx:
            ctx.setdefault("n", ctx[count])  # the count a plural message ("1 character", "2 characters") is chosen by
    if "expected" in ctx:
        ctx["expected"] = str(ctx["expected"]).replace("'", "").replace(" or ", ", ")
    key = f"error.{kind}" if kind.startswith("klynge_") else _KEYS.get(kind, "error.invalid")
    return t(key, lang, **ctx)


def explain(exc: pydantic.ValidationError, lang: str = "nb") -> ValidationError:
    """Turn pydantic's errors into a :class:`klynge.errors.ValidationError` in ``lang``.

    Each problem names the field (in ``lang``) and says what is expected.
    """
    problems = [(_field(e["loc"], lang), _message(e, lang)) for e in exc.errors()]
    return ValidationError(problems)


def validate(model: type[M], data, lang: str = "nb") -> M:
    """Build ``model`` from ``data`` or raise :class:`klynge.errors.ValidationError` in ``lang``."""
    try:
        return model.model_validate(data)
    except pydantic.ValidationError as exc:
        raise explain(exc, lang) from None
