"""A lesson of the cluster's learning log: what we assumed, what we saw, what we change.

A lesson comes from a closed workshop round, from testing a concept, or from nowhere in
particular (``source_kind`` ``"round"``, ``"concept"`` or ``"none"``, with the round's or the
concept's id as ``source_id``). It is tagged with free short themes, the SDG goals it touches
(1 to 17) and the months it is about (1 to 12). Which findings and options a lesson changed is
kept apart from its text (a facilitator links them, :func:`finding_ref` checks each reference),
so that a member's edit of the words never moves the report's citations.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, model_validator
from pydantic_core import PydanticCustomError

from .base import Id, Model, Months, Text, _no_control, _visible_name

__all__ = ["GOALS", "SOURCE_KINDS", "Lesson", "finding_ref", "split_ref"]

#: Where a lesson comes from: a closed workshop round, a concept's test, or neither.
SourceKind = Literal["round", "concept", "none"]
SOURCE_KINDS = SourceKind.__args__
GOALS = tuple(range(1, 18))
THEME_MAX = 40
THEMES_MAX = 8

# A finding's id is "<kind>:<subject>" (klynge.strategy.Finding.id); an option is "<finding id>#<option id>",
# as workshop rounds name them. Neither holds spaces.
_REF = re.compile(r"^[^\s#]{1,128}(?:#[^\s#]{1,128})?$")


def _theme(value: str) -> str:
    """A theme tag as stored: its words lower-cased and single-spaced, so "Winter  Food" and "winter food" are one."""
    value = " ".join(unicodedata.normalize("NFKC", value).split()).casefold()
    if len(value) > THEME_MAX:
        raise PydanticCustomError("klynge_lesson_theme_long", "a theme is at most {n} characters",
                                  {"n": THEME_MAX})
    return _visible_name(value)


def _themes(value: list[str]) -> list[str]:
    return list(dict.fromkeys(value))


def _goals(value: list[int]) -> list[int]:
    return sorted(set(value))


def finding_ref(value: str) -> str:
    """A reference to a finding (``"low_season_gap:5021"``) or an option (``"low_season_gap:5021#winter"``).

    Raises a pydantic error (``klynge_lesson_ref``) for anything else.
    """
    value = (value or "").strip()
    if not _REF.match(value) or _no_control(value) != value:
        raise PydanticCustomError("klynge_lesson_ref", "name a finding or an option by its id, as the report shows it")
    return value


def split_ref(ref: str) -> tuple[str, str]:
    """A reference's finding id and option id ("" for the finding itself)."""
    finding, _, option = finding_ref(ref).partition("#")
    return finding, option


Theme = Annotated[str, Field(min_length=1), AfterValidator(_no_control), AfterValidator(_theme)]
Goal = Annotated[int, Field(ge=1, le=17)]
Said = Annotated[Text, Field(min_length=1)]
Ref = Annotated[str, Field(max_length=257), AfterValidator(finding_ref)]


class Lesson(Model):
    """One lesson of the learning log."""

    #: What we assumed before.
    assumed: Said
    #: What we saw (in the round, in the test).
    saw: Said
    #: What we change because of it.
    change: Said
    themes: Annotated[list[Theme], Field(max_length=THEMES_MAX), AfterValidator(_themes)] = []
    goals: Annotated[list[Goal], Field(max_length=17), AfterValidator(_goals)] = []
    months: Months = []
    source_kind: SourceKind = "none"
    #: The workshop round's or the concept's id; none for ``source_kind`` "none".
    source_id: Id | None = None

    @model_validator(mode="after")
    def _source(self):
        if self.source_kind == "none" and self.source_id is not None:
            raise PydanticCustomError("klynge_lesson_source_extra",
                                      "a lesson without a source names no round or concept")
        if self.source_kind != "none" and self.source_id is None:
            raise PydanticCustomError("klynge_lesson_source_missing",
                                      "say which workshop round or concept the lesson comes from")
        return self
