"""The template models: canvases (blocks on a poster grid) and self-assessments, validated strictly.

A template's every text is in bokmål, Swedish and English; ids are lower-case slugs. The
checks that span fields (free grid cells, growing scales, reachable levels) raise `_At`, which
:mod:`klynge.canvases.files` turns into a message naming the field.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from ..errors import NotFound
from ..settings import LANGUAGES

__all__ = [
    "Area", "AssessmentTemplate", "Block", "CanvasTemplate", "GridPosition", "GridSize",
    "Level", "Question", "Questions", "ScalePoint", "Template", "Text",
]

Id = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_-]*$", max_length=64)]
Str = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


def _lang(lang: str) -> str:
    """``lang`` when it is one of Klynge's languages; else `NotFound`, naming them."""
    if lang not in LANGUAGES:
        raise NotFound(f"unknown language {lang!r}; expected one of {', '.join(LANGUAGES)}")
    return lang


class _At(ValueError):
    """A validator's finding at ``path`` below the model it validates (pydantic keeps it)."""

    def __init__(self, path: str, expected: str):
        super().__init__(f"{path}: {expected}")
        self.path, self.expected = path, expected


class _Model(BaseModel):
    # Strict: YAML already gives real numbers and strings, so anything else is a mistake.
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Text(_Model):
    """One text in bokmål, Swedish and English."""

    nb: Str
    sv: Str
    en: Str

    def get(self, lang: str) -> str:
        """The text in ``lang`` (nb, sv or en)."""
        return getattr(self, _lang(lang))


class Questions(_Model):
    """Guiding questions, as many in each language (they translate each other)."""

    nb: list[Str] = Field(min_length=1, max_length=6)
    sv: list[Str] = Field(min_length=1, max_length=6)
    en: list[Str] = Field(min_length=1, max_length=6)

    @model_validator(mode="after")
    def _same_count(self) -> Questions:
        counts = [f"{len(getattr(self, lang))} in {lang}" for lang in LANGUAGES]
        if len({len(getattr(self, lang)) for lang in LANGUAGES}) > 1:
            raise _At("", f"expected as many questions in each language, got {', '.join(counts)}")
        return self

    def get(self, lang: str) -> list[str]:
        """The questions in ``lang``."""
        return list(getattr(self, _lang(lang)))


class GridSize(_Model):
    """The size of a poster grid."""

    rows: int = Field(ge=1, le=24)
    cols: int = Field(ge=1, le=24)


class GridPosition(_Model):
    """Where a block sits; rows and columns count from 1, as in CSS grid."""

    row: int = Field(ge=1)
    col: int = Field(ge=1)
    rowspan: int = Field(default=1, ge=1)
    colspan: int = Field(default=1, ge=1)

    def cells(self) -> list[tuple[int, int]]:
        """Every (row, col) cell the block covers."""
        return [(r, c) for r in range(self.row, self.row + self.rowspan)
                for c in range(self.col, self.col + self.colspan)]

    def __str__(self) -> str:
        return f"row {self.row}, col {self.col}, {self.rowspan} x {self.colspan}"


class Block(_Model):
    """One block of a canvas: title, guiding questions, an example and a place on the grid."""

    id: Id
    title: Text
    questions: Questions
    example: Text
    grid: GridPosition
    counterpart: Id | None = None

    def title_in(self, lang: str) -> str:
        return self.title.get(lang)

    def questions_in(self, lang: str) -> list[str]:
        return self.questions.get(lang)

    def example_in(self, lang: str) -> str:
        return self.example.get(lang)


class _Template(_Model):
    id: Id
    title: Text
    description: Text
    credits: Str
    licence: Str
    extends: Id | None = None

    def title_in(self, lang: str) -> str:
        return self.title.get(lang)

    def description_in(self, lang: str) -> str:
        return self.description.get(lang)


def _unique(items: Sequence[Any], field: str) -> None:
    seen: dict[str, int] = {}
    for i, item in enumerate(items):
        if item.id in seen:
            raise _At(f"{field}[{i}].id", f"expected an id not used before; {item.id!r} is "
                      f"also {field}[{seen[item.id]}].id")
        seen[item.id] = i


class CanvasTemplate(_Template):
    """A canvas: blocks on a poster grid (``kind: canvas``), perhaps one layer of the TLBMC."""

    kind: Literal["canvas"]
    layer: Literal["economic", "environmental", "social"] | None = None
    aligned_with: Id | None = None
    grid: GridSize
    blocks: list[Block] = Field(min_length=1)

    @model_validator(mode="after")
    def _check(self) -> CanvasTemplate:
        _unique(self.blocks, "blocks")
        taken: dict[tuple[int, int], int] = {}
        for i, block in enumerate(self.blocks):
            g, size = block.grid, self.grid
            if g.row + g.rowspan - 1 > size.rows or g.col + g.colspan - 1 > size.cols:
                raise _At(f"blocks[{i}].grid", f"expected a place inside the {size.rows} x "
                          f"{size.cols} grid, got {g}")
            for cell in g.cells():
                if cell in taken:
                    raise _At(f"blocks[{i}].grid", f"expected a free place on the grid; row "
                              f"{cell[0]}, col {cell[1]} is taken by blocks[{taken[cell]}] "
                              f"({self.blocks[taken[cell]].id})")
                taken[cell] = i
            if block.counterpart and not self.aligned_with:
                raise _At(f"blocks[{i}].counterpart", "expected aligned_with at the top level, "
                          "naming the economic layer")
        if self.aligned_with and self.layer not in ("environmental", "social"):
            raise _At("aligned_with", "expected only on an environmental or social layer")
        return self

    def block(self, block_id: str) -> Block:
        """The block ``block_id``; raises `NotFound` naming the blocks that exist."""
        for block in self.blocks:
            if block.id == block_id:
                return block
        raise NotFound(f"canvas {self.id} has no block {block_id!r}; its blocks: "
                       f"{', '.join(b.id for b in self.blocks)}")


class ScalePoint(_Model):
    """One step of an assessment scale."""

    value: int
    label: Text


class Area(_Model):
    """A group of assessment questions, from one framework, with the steps a low score calls for."""

    id: Id
    framework: Str
    title: Text
    next_steps: Questions | None = None

    def title_in(self, lang: str) -> str:
        return self.title.get(lang)

    def next_steps_in(self, lang: str) -> list[str]:
        """What a cluster that scores low here could do next, in ``lang`` (none when not given)."""
        return self.next_steps.get(lang) if self.next_steps else []


class Question(_Model):
    """One statement to rate, in one area; ``weight`` is its share in the area's and the total score."""

    id: Id
    area: Id
    text: Text
    weight: float = Field(default=1.0, gt=0, le=100)

    def text_in(self, lang: str) -> str:
        return self.text.get(lang)


class Level(_Model):
    """A stage, reached when the average score is at least ``min_average``."""

    id: Id
    min_average: float
    title: Text
    description: Text

    def title_in(self, lang: str) -> str:
        return self.title.get(lang)


class AssessmentTemplate(_Template):
    """A self-assessment: questions in areas, a scale and levels (``kind: assessment``)."""

    kind: Literal["assessment"]
    scale: list[ScalePoint] = Field(min_length=2)
    areas: list[Area] = Field(min_length=1)
    questions: list[Question] = Field(min_length=1)
    levels: list[Level] = Field(min_length=1)
    levels_note: Text | None = None

    @model_validator(mode="after")
    def _check(self) -> AssessmentTemplate:
        for field in ("areas", "questions", "levels"):
            _unique(getattr(self, field), field)
        values = [p.value for p in self.scale]
        for i in range(1, len(values)):
            if values[i] <= values[i - 1]:
                raise _At(f"scale[{i}].value", "expected values that grow down the list")
        areas = [a.id for a in self.areas]
        for i, q in enumerate(self.questions):
            if q.area not in areas:
                raise _At(f"questions[{i}].area", f"expected one of the areas {', '.join(areas)}")
        for i, area in enumerate(self.areas):
            if not self.questions_in_area(area.id):
                raise _At(f"areas[{i}]", "expected at least one question in this area")
        lows = [lv.min_average for lv in self.levels]
        if lows[0] != values[0]:
            raise _At("levels[0].min_average", f"expected {values[0]}, the lowest scale value, "
                      "so that every average reaches a level")
        for i in range(1, len(lows)):
            if not lows[i - 1] < lows[i] <= values[-1]:
                raise _At(f"levels[{i}].min_average", f"expected more than {lows[i - 1]} and at "
                          f"most {values[-1]}, the highest scale value")
        return self

    def questions_in_area(self, area_id: str) -> list[Question]:
        return [q for q in self.questions if q.area == area_id]

    def level_for(self, average: float) -> Level:
        """The highest level whose ``min_average`` the average reaches (else the first)."""
        reached = [lv for lv in self.levels if lv.min_average <= average]
        return reached[-1] if reached else self.levels[0]


Template = CanvasTemplate | AssessmentTemplate
_KINDS: dict[str, type[_Template]] = {"canvas": CanvasTemplate, "assessment": AssessmentTemplate}
