"""Template files: YAML read safely, merged with the template they extend, and every problem as one sentence.

A problem names the file, the field's path (``blocks[2].grid``) and what was expected, with the
id of the item it is about, so a facilitator can fix their file without reading a traceback.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from types import UnionType
from typing import Annotated, Any, Union, get_args, get_origin

import yaml
from pydantic import BaseModel
from pydantic import ValidationError as PydanticValidationError

from ..errors import TemplateError
from ..settings import LANGUAGES
from .templates import _KINDS, Questions, Template, Text, _At

__all__ = ["merge", "read", "validate"]

LANGUAGE_NAMES = {"nb": "Norwegian bokmål (nb)", "sv": "Swedish (sv)", "en": "English (en)"}


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """A safe YAML loader (libyaml's when present: ten times faster) that refuses a key given twice."""


def _mapping(loader: _Loader, node: yaml.MappingNode) -> dict:
    loader.flatten_mapping(node)
    seen = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        if isinstance(key, str) and key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"the key {key!r} appears twice", key_node.start_mark)
        seen.add(key)
    return loader.construct_mapping(node)


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)


def read(file: Path) -> dict:
    """The mapping a template file holds; `TemplateError` with the line and column when it is not one."""
    try:
        data = yaml.load(file.read_text(encoding="utf-8"), Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark, start = exc.problem_mark, exc.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        context = f"; {exc.context} on line {start.line + 1}" if exc.context and start else ""
        raise TemplateError(f"{file}: {where}expected valid YAML ({exc.problem}{context})") \
            from None
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise TemplateError(f"{file}: expected valid YAML in UTF-8 ({exc})") from None
    if not isinstance(data, dict):
        raise TemplateError(f"{file}: expected a mapping of template fields (id, kind, title, "
                            "...) at the top level")
    return data


def _by_id(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(
        isinstance(item, dict) and isinstance(item.get("id"), str) for item in value)


def merge(base: Any, over: Any) -> Any:
    """Deep merge: mappings key by key, lists of items with ids by id, anything else replaced."""
    if isinstance(base, dict) and isinstance(over, dict):
        return {**base, **{k: merge(base[k], v) if k in base else v for k, v in over.items()}}
    if _by_id(base) and _by_id(over):
        if len({item["id"] for item in over}) < len(over):
            return base + over  # let validation report the duplicate id
        merged = {item["id"]: item for item in base}
        for item in over:
            merged[item["id"]] = merge(merged[item["id"]], item) if item["id"] in merged else item
        return list(merged.values())
    return over


def _holder(cls: type[BaseModel] | None, loc: Sequence[int | str]) -> type[BaseModel] | None:
    """The model class that holds the last part of ``loc``, found through the annotations."""
    for part in (p for p in loc[:-1] if isinstance(p, str)):
        annotation = cls.model_fields[part].annotation if part in cls.model_fields else None
        while get_origin(annotation) in (list, Union, UnionType, Annotated):
            annotation = next(a for a in get_args(annotation) if a is not type(None))
        if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
            return None
        cls = annotation
    return cls


_MESSAGES = {
    "string_type": "expected a text", "string_too_short": "expected a text that is not empty",
    "int_type": "expected a whole number", "float_type": "expected a number",
    "list_type": "expected a list", "model_type": "expected a mapping of keys and values",
    "string_pattern_mismatch": "expected an id of lower-case letters, digits, _ or -",
}


def _problem(error: Mapping[str, Any], root: type[BaseModel], data: dict) -> str:
    """One pydantic error as ``field.path: what was expected (block id)``."""
    loc, kind, ctx = tuple(error["loc"]), error["type"], error.get("ctx") or {}
    path = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in loc).lstrip(".")
    last, holder = (loc or ("",))[-1], _holder(root, loc)
    if isinstance(ctx.get("error"), _At):
        path, expected = ".".join(filter(None, [path, ctx["error"].path])), ctx["error"].expected
    elif kind == "missing" and last in LANGUAGES and holder in (Text, Questions):
        what = "a text" if holder is Text else "a list of questions"
        expected = f"expected {what} in {LANGUAGE_NAMES[last]}"
    elif kind == "missing":
        expected = f"expected a value for {last!r} (it is required)"
    elif kind in ("too_short", "too_long"):
        bound = ctx.get("min_length") if kind == "too_short" else f"at most {ctx.get('max_length')}"
        expected = f"expected {bound} or more items, got {ctx.get('actual_length')}" \
            if kind == "too_short" else f"expected {bound} items, got {ctx.get('actual_length')}"
    elif kind == "extra_forbidden" and holder:
        expected = f"expected one of the keys {', '.join(holder.model_fields)}, not {last!r}"
    else:
        expected = _MESSAGES.get(kind) or error["msg"].replace("Value error, ", "").replace(
            "Input should be", "expected")
        expected = expected[0].lower() + expected[1:]
    items = data.get(loc[0]) if loc and isinstance(loc[0], str) else None
    if len(loc) > 1 and isinstance(loc[1], int) and isinstance(items, list) \
            and loc[1] < len(items) and isinstance(items[loc[1]], dict) \
            and isinstance(items[loc[1]].get("id"), str):
        expected += f" ({loc[0].rstrip('s')} {items[loc[1]]['id']})"
    return f"{path}: {expected}"


def validate(data: dict, source: str) -> Template:
    """Validate merged template data; all problems become one `TemplateError` for ``source``."""
    cls = _KINDS.get(data.get("kind")) if isinstance(data.get("kind"), str) else None
    if cls is None:
        raise TemplateError(f"{source}: kind: expected canvas or assessment, got "
                            f"{data.get('kind')!r}")
    try:
        return cls.model_validate(data)
    except PydanticValidationError as exc:
        problems = "; ".join(_problem(e, cls, data) for e in exc.errors())
        raise TemplateError(f"{source}: {problems}") from None
