"""Reference data: SDG goals and targets, tourism short lists, municipalities, seasons, CO2, labels.

The files live in ``data/reference/``; its ``SOURCES.md`` says where each figure comes from
and how far to trust it. Each file is read and checked once, on first use, and what is
returned is immutable (frozen dataclasses and tuples), so callers may keep it.

Only the English target texts are official, so a target's text comes with a status:

- ``official``: the UN's English text.
- ``unofficial``: in bokmål, Open SDG's machine translation; in Swedish, Klynge's own
  translation from the UN's English text (A/RES/70/1). Neither is the government's wording.
- ``unofficial_corrected``: the bokmål translation with errors corrected by us.
- ``en_fallback``: the bokmål was unusable (1.a and 10.3 repeat other targets): English shown.
- ``en``: a Swedish row without a translation: English shown (no shipped row has it).

Unknown codes raise :class:`~klynge.errors.NotFound`, naming what exists. A broken file
raises :class:`~klynge.errors.DataError`, naming the file, the row (its line in the file;
the header is row 1) and the column.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import MISSING, dataclass, fields, replace
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

from . import resources
from .errors import DataError, NotFound
from .settings import LANGUAGES

__all__ = [
    "DEFAULT_LOW_MONTHS", "SECTORS", "Area", "Certification", "Co2Factor", "Evidence", "Goal",
    "Municipality", "ShortlistItem", "Target", "Texts", "area_of", "areas", "certification",
    "certifications", "co2_factor", "goal", "goals", "low_months", "municipalities",
    "municipality", "seasonality", "shortlist", "target", "target_text", "targets",
]

#: Sectors of the short list; the ``general`` rows belong to every sector's list.
SECTORS = ("general", "accommodation", "camping", "food", "activity", "culture", "transport",
           "destination", "services")
#: The low season where there is no monthly data: September to April.
DEFAULT_LOW_MONTHS = (1, 2, 3, 4, 9, 10, 11, 12)

_CODE = re.compile(r"(\d{1,2})\.(\d{1,2}|[a-z])")
_STATUSES = {"nb": ("unofficial", "unofficial_corrected", "en_fallback"),
             "sv": ("unofficial", "en")}
_ENGLISH = ("en_fallback", "en")  # the translation column is empty: the English text is shown
_T = TypeVar("_T")


@dataclass(frozen=True)
class Texts:
    """One text in English, bokmål and Swedish."""

    en: str
    nb: str
    sv: str

    def get(self, lang: str) -> str:
        """The text in ``lang``: ``nb``, ``sv`` or ``en``."""
        return getattr(self, _lang(lang))


@dataclass(frozen=True)
class Goal:
    """A goal: number, UN colour, short name and title; ``*_status`` is ``unverified``."""

    number: int
    colour: str
    short: Texts
    title: Texts
    nb_status: str
    sv_status: str


@dataclass(frozen=True)
class Target:
    """A target such as ``8.9``; an empty translation means the English text is shown."""

    code: str
    goal: int
    text_en: str
    text_nb: str
    nb_status: str
    text_sv: str
    sv_status: str

    def text(self, lang: str) -> tuple[str, str]:
        """``(text, status)`` in ``lang``; the statuses are listed in the module docstring."""
        if _lang(lang) == "en":
            return self.text_en, "official"
        return getattr(self, f"text_{lang}") or self.text_en, getattr(self, f"{lang}_status")


class _Reasoned:
    reasons: Texts

    def reason(self, lang: str) -> str:
        """Why the target was picked: one sentence in ``lang``."""
        return self.reasons.get(lang)


@dataclass(frozen=True)
class ShortlistItem(_Reasoned):
    """A target on the short list of ``sector``, with the reason in each language."""

    sector: str
    target: str
    reasons: Texts

    @property
    def general(self) -> bool:
        """True for the rows shared by every sector."""
        return self.sector == "general"


@dataclass(frozen=True)
class Evidence(_Reasoned):
    """A target that ``certification`` gives evidence for, with the reason in each language."""

    certification: str
    target: str
    reasons: Texts


@dataclass(frozen=True)
class Municipality:
    """A municipality of Trøndelag (county 50) or Jämtland (county 23).

    ``lat``, ``lon`` is a point inside it (``point_kind`` ``inside``) or its centre (``centre``).
    ``centre`` is the administrative centre, used as the meeting place; ``centre_approximate``
    marks coordinates that may be several km off. ``area`` is its seasonality area.
    """

    code: str
    country: str
    county: str
    name: str
    official_names: tuple[str, ...]
    sami_names: tuple[str, ...]
    sami_area: bool
    sami_area_source: str
    lat: float
    lon: float
    point_kind: str
    centre: str
    centre_lat: float
    centre_lon: float
    centre_approximate: bool
    centre_source: str
    area: str


@dataclass(frozen=True)
class Area:
    """A seasonality area with its guest nights in ``year`` (approximate)."""

    id: str
    country: str
    name: str
    guest_nights: int
    year: int
    approximate: bool


@dataclass(frozen=True)
class Co2Factor:
    """Grams of CO2 per passenger-km for a travel mode, with source and year (None: unknown)."""

    mode: str
    grams_per_pkm: float
    source: str
    year: int | None
    approximate: bool
    note: str


@dataclass(frozen=True)
class Certification:
    """A sustainability certification, what it certifies, and the targets it evidences."""

    id: str
    name: Texts
    countries: tuple[str, ...]
    holder: str
    url: str
    certifies: Texts
    evidence: tuple[Evidence, ...] = ()


def goals() -> tuple[Goal, ...]:
    """All 17 goals, in order."""
    return tuple(_goals().values())


def goal(n: int) -> Goal:
    """Goal ``n``, 1 to 17 (else :class:`~klynge.errors.NotFound`)."""
    return _find(_goals(), n if type(n) is int else None, f"SDG goal {n!r}",
                 lambda: "goals are 1 to 17")


_goal = goal  # targets() names its parameter ``goal``


def targets(goal: int | None = None) -> tuple[Target, ...]:
    """All 169 targets in the UN's order, or those of ``goal``."""
    if goal is None:
        return tuple(_targets().values())
    number = _goal(goal).number
    return tuple(t for t in _targets().values() if t.goal == number)


def target(code: str) -> Target:
    """The target ``code``, e.g. ``"8.9"`` or ``"12.b"``; NotFound lists the goal's targets."""
    match = _CODE.fullmatch(str(code).strip().lower())

    def hint() -> str:
        known = [c for c, t in _targets().items() if match and str(t.goal) == match[1]]
        return (f"goal {match[1]} has {', '.join(known)}" if known else
                f"codes look like 8.9 or 12.b, for goals 1 to 17 ({len(_targets())} targets)")
    return _find(_targets(), match and match[0], f"SDG target {code!r}", hint)


def target_text(code: str, lang: str) -> tuple[str, str]:
    """``(text, status)`` of target ``code`` in ``lang`` (``nb``, ``sv`` or ``en``).

    The status (see the module docstring) says whether the text is official: show the
    English text beside anything but ``official``.
    """
    return target(code).text(lang)


def shortlist(sector: str) -> tuple[ShortlistItem, ...]:
    """The tourism short list of ``sector`` (one of :data:`SECTORS`), in the UN's order.

    It holds the general rows and the sector's own; ``item.general`` tells them apart, and
    ``shortlist("general")`` has the general rows alone.
    """
    if sector not in SECTORS:
        raise NotFound(f"no sector {sector!r}; sectors are {', '.join(SECTORS)}")
    order = {code: i for i, code in enumerate(_targets())}
    rows = [r for r in _shortlist() if r.sector in ("general", sector)]
    return tuple(sorted(rows, key=lambda r: order[r.target]))


def municipalities(country: str | None = None) -> tuple[Municipality, ...]:
    """All 46 municipalities, or those of ``country`` (``"NO"`` or ``"SE"``)."""
    if country not in (None, "NO", "SE"):
        raise NotFound(f"no municipalities for country {country!r}; countries are NO and SE")
    return tuple(m for m in _municipalities().values() if country in (None, m.country))


def municipality(code: str | int) -> Municipality:
    """The municipality ``code``, e.g. ``"5001"`` (Trondheim) or ``"2321"`` (Åre)."""
    key = str(code).strip()

    def hint() -> str:
        spans = [municipalities(c) for c in ("NO", "SE")]
        return "known: " + "; ".join(f"{len(ms)} in {ms[0].country} ({ms[0].code} to "
                                     f"{ms[-1].code})" for ms in spans if ms)
    return _find(_municipalities(), key.zfill(4) if key.isdigit() else key,
                 f"municipality {code!r}", hint)


def areas() -> tuple[Area, ...]:
    """The seasonality areas, with their annual guest nights."""
    return tuple(_areas().values())


def area_of(municipality_code: str | int) -> str:
    """The seasonality area of a municipality, e.g. ``"trondheim"`` for 5001."""
    return municipality(municipality_code).area


def seasonality(area: str) -> tuple[float, ...]:
    """The 12 approximate monthly shares (January first) of ``area``'s guest nights; sum 1."""
    return _find(_seasonality(), area, f"seasonality area {area!r}",
                 lambda: "areas are " + ", ".join(_seasonality()))


def low_months(area: str | None = None) -> tuple[int, ...]:
    """The low-season months (1 to 12) of ``area``.

    A month is low when its share is below the area's mean (1/12), that is, when it has fewer
    guest nights than an even spread over the year would give it. Without an area, the
    default low season: September to April (:data:`DEFAULT_LOW_MONTHS`).
    """
    if area is None:
        return DEFAULT_LOW_MONTHS
    return tuple(m for m, share in enumerate(seasonality(area), start=1) if share < 1 / 12)


def co2_factor(mode: str) -> Co2Factor:
    """The CO2 factor of ``mode``, e.g. ``"car"``, ``"electric_rail_nordic"``, ``"walk_bike"``."""
    return _find(_co2(), mode, f"CO2 factor for mode {mode!r}",
                 lambda: "modes are " + ", ".join(_co2()))


def certifications() -> tuple[Certification, ...]:
    """The certifications, each with the targets it gives evidence for."""
    return tuple(_certifications().values())


def certification(id: str) -> Certification:
    """The certification ``id``, e.g. ``"miljofyrtarn"``."""
    return _find(_certifications(), id, f"certification {id!r}",
                 lambda: "known: " + ", ".join(_certifications()))


# -- reading and checking the files --------------------------------------------------------


def _find(table: Mapping[Any, _T], key: Any, what: str, hint: Callable[[], str]) -> _T:
    if key not in table:
        raise NotFound(f"no {what}; {hint()}")
    return table[key]


def _lang(lang: str) -> str:
    if lang not in LANGUAGES:
        raise NotFound(f"no language {lang!r}; choose one of {', '.join(LANGUAGES)}")
    return lang


def _path(name: str) -> Path:
    return resources.path("data", "reference", name)


class _Row:
    """A CSV row; ``fail`` makes the DataError that names file, row and column."""

    def __init__(self, path: Path, line: int, values: dict[str, str]):
        self.path, self.line, self.values = path, line, values

    def fail(self, column: str, problem: str) -> DataError:
        return DataError(f"{self.path}: row {self.line}, column {column!r}: {problem}")

    def get(self, column: str, kind: str, optional: bool = False) -> Any:
        """The cell parsed as ``kind``, a field annotation (``str``, ``int | None``, ...)."""
        if kind == "Texts":
            return Texts(*(self.get(f"{column}_{lang}", "str") for lang in ("en", "nb", "sv")))
        value = self.values[column].strip()
        if kind.startswith("tuple"):
            return tuple(part.strip() for part in value.split(" / ") if part.strip())
        if not value and (optional or kind.endswith("| None")):
            return "" if kind == "str" else None
        if not value:
            raise self.fail(column, "is empty")
        if kind == "bool" and value not in ("true", "false"):
            raise self.fail(column, f"expected true or false, got {value!r}")
        if kind in ("str", "bool"):
            return value if kind == "str" else value == "true"
        try:
            return int(value) if kind.startswith("int") else float(value)
        except ValueError:
            expected = "a whole number" if kind.startswith("int") else "a number"
            raise self.fail(column, f"expected {expected}, got {value!r}") from None


def _rows(name: str, cls: type[_T], optional: tuple[str, ...] = (), **columns: str
          ) -> Iterator[tuple[_Row, _T]]:
    """Each row of file ``name`` with the ``cls`` built from it.

    A field is read from the column of its name (``columns`` maps field to column where they
    differ) and parsed by its annotation; fields with a default are not read.
    """
    path = _path(name)
    kinds = {f.name: (columns.get(f.name, f.name), str(f.type)) for f in fields(cls)
             if f.default is MISSING}
    needed = [c + suffix for c, kind in kinds.values()
              for suffix in (("_en", "_nb", "_sv") if kind == "Texts" else ("",))]
    try:
        with path.open(encoding="utf-8", newline="") as f:
            reader = csv.DictReader(f)
            for column in needed:
                if column not in (reader.fieldnames or ()):
                    raise DataError(f"{path}: row 1, column {column!r}: missing from the header")
            for values in reader:
                row = _Row(path, reader.line_num, values)
                if None in values or None in values.values():
                    raise row.fail(reader.fieldnames[-1], f"expected {len(values)} columns")
                yield row, cls(**{n: row.get(c, k, n in optional) for n, (c, k) in kinds.items()})
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise DataError(f"{path}: cannot be read ({exc})") from None


def _add(table: dict, key: Any, value: Any, row: _Row, column: str) -> None:
    if key in table:
        raise row.fail(column, f"{key!r} appears twice")
    table[key] = value


def _check(row: _Row, column: str, value: Any, allowed: Any) -> None:
    if value not in allowed:
        raise row.fail(column, f"expected one of {', '.join(map(str, allowed))}, got {value!r}")


@cache
def _goals() -> dict[int, Goal]:
    out: dict[int, Goal] = {}
    for row, g in _rows("sdg_goals.csv", Goal, number="goal"):
        _check(row, "goal", g.number, range(1, 18))
        if not re.fullmatch(r"#[0-9A-Fa-f]{6}", g.colour):
            raise row.fail("colour", f"expected a hex colour such as #E5243B, got {g.colour!r}")
        _add(out, g.number, g, row, "goal")
    if len(out) != 17:
        raise DataError(f"{_path('sdg_goals.csv')}: expected goals 1 to 17, found {len(out)}")
    return out


@cache
def _targets() -> dict[str, Target]:
    out: dict[str, Target] = {}
    for row, t in _rows("sdg_targets.csv", Target, optional=("text_nb", "text_sv")):
        match = _CODE.fullmatch(t.code)
        if not match:
            raise row.fail("code", f"expected a code such as 8.9 or 12.b, got {t.code!r}")
        if t.goal != int(match[1]) or t.goal not in _goals():
            raise row.fail("goal", f"{t.goal} does not match code {t.code}")
        for lang, statuses in _STATUSES.items():
            status = getattr(t, f"{lang}_status")
            _check(row, f"{lang}_status", status, statuses)
            text = getattr(t, f"text_{lang}")
            if bool(text) == (status in _ENGLISH):
                raise row.fail(f"text_{lang}", "must be empty exactly when the status is "
                               + " or ".join(_ENGLISH))
            if text == t.text_en:
                english = next(s for s in statuses if s in _ENGLISH)
                raise row.fail(f"text_{lang}", f"is the English text: leave it empty and set "
                               f"{lang}_status to {english}")
        _add(out, t.code, t, row, "code")
    return out


def _reasons(name: str, cls: type[_T], owner: str, owners: Any) -> tuple[_T, ...]:
    out: dict[tuple[str, str], _T] = {}
    for row, r in _rows(name, cls, reasons="reason"):
        _check(row, owner, getattr(r, owner), owners)
        if r.target not in _targets():
            raise row.fail("target", f"no SDG target {r.target!r}")
        _add(out, (getattr(r, owner), r.target), r, row, "target")
    return tuple(out.values())


@cache
def _shortlist() -> tuple[ShortlistItem, ...]:
    return _reasons("sdg_shortlist.csv", ShortlistItem, "sector", SECTORS)


@cache
def _areas() -> dict[str, Area]:
    out: dict[str, Area] = {}
    for row, a in _rows("areas.csv", Area, id="area"):
        _add(out, a.id, a, row, "area")
    return out


@dataclass(frozen=True)
class _Share:
    area: str
    month: int
    share: float


@cache
def _seasonality() -> dict[str, tuple[float, ...]]:
    months: dict[str, dict[int, float]] = {a: {} for a in _areas()}
    for row, s in _rows("seasonality.csv", _Share):
        _check(row, "area", s.area, months)
        _check(row, "month", s.month, range(1, 13))
        if not 0 <= s.share <= 1:
            raise row.fail("share", f"expected a share from 0 to 1, got {s.share}")
        _add(months[s.area], s.month, s.share, row, "month")
    for area, shares in months.items():
        if len(shares) != 12 or abs(sum(shares.values()) - 1) > 1e-6:
            raise DataError(f"{_path('seasonality.csv')}: area {area!r} needs 12 months "
                            f"whose shares sum to 1 (found {len(shares)})")
    return {area: tuple(shares[m] for m in range(1, 13)) for area, shares in months.items()}


@cache
def _municipalities() -> dict[str, Municipality]:
    out: dict[str, Municipality] = {}
    for row, m in _rows("municipalities.csv", Municipality):
        if not re.fullmatch(r"\d{4}", m.code):
            raise row.fail("code", f"expected four digits, got {m.code!r}")
        _check(row, "country", m.country, ("NO", "SE"))
        _check(row, "point_kind", m.point_kind, ("inside", "centre"))
        _check(row, "area", m.area, _areas())
        _add(out, m.code, m, row, "code")
    return out


@cache
def _co2() -> dict[str, Co2Factor]:
    out: dict[str, Co2Factor] = {}
    for row, c in _rows("co2_factors.csv", Co2Factor, grams_per_pkm="g_co2_per_pkm"):
        if c.grams_per_pkm < 0:
            raise row.fail("g_co2_per_pkm", f"expected zero or more, got {c.grams_per_pkm}")
        _add(out, c.mode, c, row, "mode")
    return out


@cache
def _certifications() -> dict[str, Certification]:
    out: dict[str, Certification] = {}
    for row, c in _rows("certifications.csv", Certification):
        _add(out, c.id, c, row, "id")
    evidence = _reasons("certification_targets.csv", Evidence, "certification", out)
    return {key: replace(c, evidence=tuple(e for e in evidence if e.certification == key))
            for key, c in out.items()}


def _clear_cache() -> None:
    """Forget what was read, so the next call reads the files again (for tests)."""
    for loader in (_goals, _targets, _shortlist, _areas, _seasonality, _municipalities, _co2,
                   _certifications):
        loader.cache_clear()
