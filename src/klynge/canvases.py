"""Canvas and self-assessment templates: YAML files on a search path, validated strictly.

A template is one ``.yaml`` file whose stem is its id. The registry looks in the built-in
``canvases/`` folder first, then in each extra folder (a facilitator's); a later folder
overrides an earlier one by id. A template may say ``extends: <id>`` and then holds only what
it changes: mappings merge key by key, lists of items with ids (blocks, questions, areas,
levels) merge by id, anything else is replaced; ``replace: [levels]`` replaces the named
top-level fields whole instead. A template that extends its own id extends the one in an
earlier folder.

The layers of the Triple Layered Business Model Canvas are compared by grid position: a layer
says ``aligned_with: business_model``, each of its blocks names in ``counterpart`` the
economic block at the same place, and the registry checks that both cover the same cells.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from pathlib import Path
from types import UnionType
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import yaml
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator
from pydantic import ValidationError as PydanticValidationError

from . import resources
from .errors import KlyngeError, NotFound, TemplateError
from .settings import LANGUAGES

__all__ = [
    "Area", "AssessmentTemplate", "Block", "CanvasTemplate", "GridPosition", "GridSize",
    "Level", "Question", "Questions", "Registry", "ScalePoint", "Template", "Text",
    "default_registry", "describe", "layer_stack", "listing",
]

LANGUAGE_NAMES = {"nb": "Norwegian bokmål (nb)", "sv": "Swedish (sv)", "en": "English (en)"}
Id = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_-]*$", max_length=64)]
Str = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


def _lang(lang: str) -> str:
    if lang not in LANGUAGES:
        raise KlyngeError(f"unknown language {lang!r}; expected one of {', '.join(LANGUAGES)}")
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
    """A group of assessment questions, from one framework."""

    id: Id
    framework: Str
    title: Text


class Question(_Model):
    """One statement to rate, in one area."""

    id: Id
    area: Id
    text: Text

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


def _read(file: Path) -> dict:
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


def _merge(base: Any, over: Any) -> Any:
    """Deep merge: mappings key by key, lists of items with ids by id, anything else replaced."""
    if isinstance(base, dict) and isinstance(over, dict):
        return {**base, **{k: _merge(base[k], v) if k in base else v for k, v in over.items()}}
    if _by_id(base) and _by_id(over):
        if len({item["id"] for item in over}) < len(over):
            return base + over  # let validation report the duplicate id
        merged = {item["id"]: item for item in base}
        for item in over:
            merged[item["id"]] = _merge(merged[item["id"]], item) if item["id"] in merged else item
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


def _validate(data: dict, source: str) -> Template:
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


class Registry:
    """Templates by id, from the built-in folder, extra folders and `register`.

    Parameters
    ----------
    folders
        Extra folders searched after the built-in ``canvases/``; later ones win by id.

    Files are read when a template is first asked for, so one broken file does not hide the
    others; `all`, `canvases` and `assessments` read every file and raise on a broken one.
    """

    def __init__(self, folders: Sequence[Path] = ()):
        self.folders = [resources.path("canvases"), *(Path(f) for f in folders)]
        self._files: dict[str, list[Path]] = {}
        for folder in self.folders:
            if not folder.is_dir():
                raise NotFound(f"template folder {folder} does not exist")
            for file in sorted(folder.glob("*.yaml")):
                self._files.setdefault(file.stem, []).append(file)
        self._registered: dict[str, Template] = {}
        self._loaded: dict[str, tuple[Template, str]] = {}
        self._checked: dict[str, Template] = {}

    def register(self, template: Template) -> None:
        """Add or replace a template made in code; it wins over files with the same id."""
        if not isinstance(template, (CanvasTemplate, AssessmentTemplate)):
            raise TypeError(f"expected a CanvasTemplate or AssessmentTemplate, got {template!r}")
        self._registered[template.id] = template
        self._loaded.clear()  # templates that extend or align with it change too
        self._checked.clear()

    def ids(self) -> list[str]:
        """Every template id, sorted."""
        return sorted({*self._files, *self._registered})

    def get(self, template_id: str) -> Template:
        """The template ``template_id``, merged with its parents and checked.

        Raises
        ------
        NotFound
            No template has that id; the message names the folders and the ids that exist.
        TemplateError
            A file is broken; the message names the file, the field and what was expected.
        """
        if template_id not in self._checked:
            template, source = self._load(template_id)
            if isinstance(template, CanvasTemplate) and template.aligned_with:
                self._check_alignment(template, source)
            self._checked[template_id] = template
        return self._checked[template_id]

    def all(self) -> list[Template]:
        return [self.get(i) for i in self.ids()]

    def canvases(self) -> list[CanvasTemplate]:
        return [t for t in self.all() if isinstance(t, CanvasTemplate)]

    def assessments(self) -> list[AssessmentTemplate]:
        return [t for t in self.all() if isinstance(t, AssessmentTemplate)]

    def _load(self, template_id: str) -> tuple[Template, str]:
        if template_id not in self._loaded:
            if template_id in self._registered:
                found = self._registered[template_id], f"template {template_id!r} (registered)"
            elif (raw := self._raw(template_id, ())) is not None:
                found = _validate(*raw), raw[1]
            else:
                searched = ", ".join(str(f) for f in self.folders)
                raise NotFound(f"no template {template_id!r}; searched {searched}; templates "
                               f"that exist: {', '.join(self.ids()) or 'none'}")
            self._loaded[template_id] = found
        return self._loaded[template_id]

    def _raw(self, template_id: str, chain: tuple[tuple[str, int, Path], ...],
             below: int | None = None) -> tuple[dict, str] | None:
        """The merged data of a template and its file, or None when there is no such template.

        ``below`` limits the search to earlier folders, for a template that extends its own id.
        """
        if below is None and template_id in self._registered:
            return self._registered[template_id].model_dump(exclude_none=True), template_id
        files = self._files.get(template_id, [])[:below]
        if not files:
            return None
        pos, file = len(files) - 1, files[-1]
        if any(link[:2] == (template_id, pos) for link in chain):
            names = " -> ".join(link[2].name for link in chain) + f" -> {file.name}"
            raise TemplateError(f"{chain[-1][2]}: extends: expected a chain of parents that "
                                f"ends, found a cycle: {names}")
        data = _read(file)
        if data.setdefault("id", template_id) != template_id:
            raise TemplateError(f"{file}: id: expected {template_id!r}, the file name without "
                                f"its extension, got {data['id']!r}")
        parent_id, replace = data.get("extends"), data.pop("replace", [])
        if not isinstance(replace, list) or not all(isinstance(k, str) for k in replace):
            raise TemplateError(f"{file}: replace: expected a list of field names, such as "
                                f"[levels], got {replace!r}")
        if parent_id is None:
            return data, str(file)
        if not isinstance(parent_id, str):
            raise TemplateError(f"{file}: extends: expected the id of a template, got "
                                f"{parent_id!r}")
        parent = self._raw(parent_id, chain + ((template_id, pos, file),),
                           below=pos if parent_id == template_id else None)
        if parent is None:
            searched = ", ".join(str(f) for f in self.folders)
            raise TemplateError(f"{file}: extends: expected the id of an existing template; "
                                f"{parent_id!r} is none of {', '.join(self.ids())} "
                                f"(searched {searched})")
        merged = _merge(parent[0], {k: v for k, v in data.items() if k not in replace})
        return {**merged, **{k: data[k] for k in replace if k in data}}, str(file)

    def _check_alignment(self, layer: CanvasTemplate, source: str) -> None:
        """Each counterpart must be a block of the economic layer on the same cells."""
        try:
            base, base_source = self._load(layer.aligned_with)
        except NotFound:
            base, base_source = None, ""
        if not isinstance(base, CanvasTemplate) or base.layer != "economic":
            raise TemplateError(f"{source}: aligned_with: expected the id of a canvas with "
                                f"layer economic, got {layer.aligned_with!r}")
        for i, block in enumerate(layer.blocks):
            other = next((b for b in base.blocks if b.id == block.counterpart), None)
            if block.counterpart and (other is None or other.grid != block.grid):
                where = f"sits at {other.grid}" if other else "is not one of its blocks"
                raise TemplateError(
                    f"{source}: blocks[{i}].counterpart: expected a block of {base.id} at the "
                    f"same place ({block.grid}); {block.counterpart!r} {where} in {base_source}")


@cache
def _registry(folders: tuple[Path, ...]) -> Registry:
    return Registry(folders)


def default_registry(extra_folders: Iterable[str | Path] = ()) -> Registry:
    """The shared registry of the built-in templates plus ``extra_folders``.

    Parameters
    ----------
    extra_folders
        A facilitator's template folders, e.g. ``Settings.template_dirs``; later ones win.

    Returns
    -------
    Registry
        One registry per tuple of folders, so what is `Registry.register`-ed on it is seen
        by every caller that asks for the same folders. Files are read once; a changed file
        is seen by a new `Registry`.
    """
    return _registry(tuple(Path(f).expanduser().resolve() for f in extra_folders))


def layer_stack(registry: Registry, block_id: str,
                economic: str = "business_model") -> list[tuple[CanvasTemplate, Block]]:
    """The economic block ``block_id`` and the blocks at its place in the aligned layers.

    Parameters
    ----------
    registry
        Where to find the templates.
    block_id
        A block of the economic layer, e.g. ``key_partners``.
    economic
        The id of the economic layer that the other layers are aligned with.

    Returns
    -------
    list of (CanvasTemplate, Block)
        The economic block first, then one block per aligned layer: what a facilitator reads
        for vertical coherence.
    """
    base = registry.get(economic)
    if not isinstance(base, CanvasTemplate):
        raise NotFound(f"{economic} is not a canvas")
    return [(base, base.block(block_id))] + [
        (t, b) for t in registry.canvases() if t.aligned_with == economic
        for b in t.blocks if b.counterpart == block_id]


_WORDS = {
    "credits": {"nb": "Kilde", "sv": "Källa", "en": "Credits"},
    "licence": {"nb": "Lisens", "sv": "Licens", "en": "Licence"},
    "example": {"nb": "Eksempel", "sv": "Exempel", "en": "Example"},
    "scale": {"nb": "Skala", "sv": "Skala", "en": "Scale"},
    "levels": {"nb": "Nivåer (fra snitt)", "sv": "Nivåer (från medelvärde)",
               "en": "Levels (from average)"},
    "blocks": {"nb": "blokker", "sv": "block", "en": "blocks"},
    "questions": {"nb": "spørsmål", "sv": "frågor", "en": "questions"},
    "header": {"nb": ("id", "type", "omfang", "tittel"), "sv": ("id", "typ", "omfång", "titel"),
               "en": ("id", "kind", "size", "title")},
}


def describe(template: Template, lang: str) -> str:
    """A plain-text rendering of a template, for ``klynge canvases show ID``.

    Parameters
    ----------
    template
        A canvas or an assessment.
    lang
        nb, sv or en.

    Returns
    -------
    str
        Title, description, credits and licence, then each block with its questions and
        example; for an assessment the scale, the questions by area and the levels.
    """
    w = {k: v[_lang(lang)] for k, v in _WORDS.items()}
    out = [f"{template.title_in(lang)} ({template.id})", "", template.description_in(lang), "",
           f"{w['credits']}: {template.credits}", f"{w['licence']}: {template.licence}"]
    if isinstance(template, CanvasTemplate):
        for n, b in enumerate(template.blocks, 1):
            out += ["", f"{n}. {b.title_in(lang)} [{b.id}]"]
            out += [f"   - {q}" for q in b.questions_in(lang)]
            out.append(f"   {w['example']}: {b.example_in(lang)}")
        return "\n".join(out)
    out += ["", f"{w['scale']}: " + "; ".join(f"{p.value} {p.label.get(lang)}"
                                             for p in template.scale)]
    for area in template.areas:
        out += ["", f"{area.title.get(lang)} ({area.framework})"]
        out += [f"   - [{q.id}] {q.text_in(lang)}" for q in template.questions_in_area(area.id)]
    out += ["", f"{w['levels']}:"]
    out += [f"   {lv.min_average:g}: {lv.title_in(lang)}. {lv.description.get(lang)}"
            for lv in template.levels]
    if template.levels_note:
        out += ["", template.levels_note.get(lang)]
    return "\n".join(out)


def listing(registry: Registry, lang: str) -> str:
    """A table of the templates, for ``klynge canvases list``.

    Parameters
    ----------
    registry
        The templates to list; every file is read, so a broken one raises `TemplateError`.
    lang
        nb, sv or en, for the header and the titles.

    Returns
    -------
    str
        A header and one line per template: id, kind, size (blocks or questions), title.
    """
    w = {k: v[_lang(lang)] for k, v in _WORDS.items()}
    rows = [w["header"]]
    for t in registry.all():
        size = (f"{len(t.blocks)} {w['blocks']}" if isinstance(t, CanvasTemplate)
                else f"{len(t.questions)} {w['questions']}")
        rows.append((t.id, t.kind, size, t.title_in(lang)))
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    return "\n".join("  ".join(r[i].ljust(widths[i]) for i in range(3)) + "  " + r[3]
                     for r in rows)
