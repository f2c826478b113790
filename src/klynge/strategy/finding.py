"""A finding as data: a claim, its method, evidence, assumptions, confidence and options.

A finding is never prose. Its texts are message keys with parameters (:class:`Text`), filled
in nb, sv or en when a report renders them (:meth:`Text.render`); its evidence rows name the
member, offer, shared canvas note, package or reference figure each rests on
(:class:`Evidence`); its assumptions carry the threshold the rule used and whether the claim
still holds when the threshold moves (:class:`Assumption`, computed by running the rule
again); each option lists what it changes for each member (:class:`Consequence`).

:meth:`Finding.to_json` is deterministic: keys sorted, lists in a stable order, floats
rounded, so the same data gives the same bytes. :func:`check_evidence` marks evidence rows
whose member, offer, note or package no longer exists as stale, and keeps them.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

from ..i18n import catalogue, t

__all__ = [
    "CONFIDENCE",
    "CONFIDENCE_RULE",
    "SOURCES",
    "Assumption",
    "Consequence",
    "Evidence",
    "Finding",
    "Option",
    "Text",
    "check_evidence",
    "confidence",
    "plain",
]

Source = Literal["member", "offer", "note", "package", "reference"]
SOURCES = ("member", "offer", "note", "package", "reference")
CONFIDENCE = ("low", "medium", "high")
#: The message that states :func:`confidence`'s rule, for a report's "how we concluded".
CONFIDENCE_RULE = "strategy.confidence_rule"
#: Decimals a float keeps in a finding: enough for shares and money, no noise from summing.
DECIMALS = 4


def plain(value: Any) -> Any:
    """``value`` as plain JSON values: tuples as lists, mappings with string keys, floats rounded.

    Floats keep :data:`DECIMALS` decimals, a whole float becomes an int and ``-0.0`` becomes
    ``0``, so two runs that sum in another order still write the same bytes.
    """
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float) or hasattr(value, "__float__") and not isinstance(value, (list, tuple)):
        number = float(value)
        if not math.isfinite(number):
            raise ValueError(f"a finding holds no infinite or undefined numbers, got {number}")
        number = round(number, DECIMALS)
        return int(number) if number == int(number) else number
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [plain(v) for v in value]
        return sorted(items) if isinstance(value, (set, frozenset)) else items
    raise TypeError(f"a finding holds numbers, texts, lists and mappings, not {type(value).__name__}")


def _frozen(params: Mapping[str, Any] | None) -> tuple[tuple[str, Any], ...]:
    return tuple(sorted((k, _freeze(v)) for k, v in (params or {}).items()))


def _freeze(value: Any) -> Any:
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [_freeze(v) for v in value]
        return tuple(sorted(items) if isinstance(value, (set, frozenset)) else items)
    return plain(value)


def _month_names(lang: str) -> list[str]:
    return t("batch.months", lang).split(",")


def _word(name: str, value: Any, lang: str) -> str:
    """A parameter's value in words: a kind of organisation or offer, a category; else as it is."""
    if name in ("kind", "kinds"):
        for key in (f"kind.{value}", f"batch.offer.{value}"):
            if key in catalogue(lang):
                return t(key, lang)
    if name in ("category", "categories"):
        return t(f"strategy.category.{value}", lang)
    if name == "figures":
        return t(f"strategy.figure.{value}", lang)
    return str(value)


@dataclass(frozen=True)
class Text:
    """A message key of the catalogues (``strategy.…``) with its parameters.

    Lists are written joined with commas; a parameter named ``months`` (month numbers) is
    written as the language's month names, ``kind``/``kinds`` (of organisation or offer) and
    ``category``/``categories`` (of the target mix) in the language's words.
    """

    key: str
    params: tuple[tuple[str, Any], ...] = ()

    @classmethod
    def of(cls, key: str, **params) -> Text:
        return cls(key, _frozen(params))

    def values(self, lang: str) -> dict[str, Any]:
        out = {}
        for name, value in self.params:
            if name == "months" and isinstance(value, tuple):
                names = _month_names(lang)
                value = ", ".join(names[m - 1] for m in value)
            elif isinstance(value, tuple):
                value = ", ".join(_word(name, v, lang) for v in value)
            elif name in ("kind", "category"):
                value = _word(name, value, lang)
            out[name] = value
        return out

    def render(self, lang: str) -> str:
        """The text in ``lang`` (nb, sv or en)."""
        return t(self.key, lang, **self.values(lang))

    def as_dict(self) -> dict:
        return {"key": self.key, "params": {k: plain(v) for k, v in self.params}}


@dataclass(frozen=True)
class Evidence:
    """One row a finding rests on.

    Attributes
    ----------
    source
        ``member``, ``offer``, ``note`` (a canvas note shared with the cluster), ``package`` or
        ``reference``.
    ids
        What traces the row: ``member`` (an organisation id), ``offer``, ``template`` and
        ``note``, ``package`` (``<owner id>/<name>``); for a reference figure the ``table`` and
        the row's key (``area``, ``target``).
    measure, figure
        What the figure is (e.g. ``capacity``, ``open_offers``, ``impact``) and its value.
    text
        The shared note's text or the offer's title, as typed (never a private note's).
    source_name, year
        For a reference figure: where it comes from and the year it describes.
    stale
        True when the member, offer, note or package is gone since the finding was made.
    """

    source: Source
    ids: tuple[tuple[str, Any], ...]
    measure: str = ""
    figure: Any = None
    text: str = ""
    source_name: str = ""
    year: int | None = None
    stale: bool = False

    @classmethod
    def of(cls, source: Source, ids: Mapping[str, Any], measure: str = "", figure: Any = None, **more) -> Evidence:
        if source not in SOURCES:
            raise ValueError(f"an evidence row's source is one of {', '.join(SOURCES)}, got {source!r}")
        return cls(source, _frozen(ids), measure, _freeze(figure), **more)

    @property
    def ref(self) -> str:
        """The row's key among the existing ids (:func:`klynge.strategy.existing_ids`); '' for reference rows."""
        ids = dict(self.ids)
        if self.source == "member":
            return f"member:{ids['member']}"
        if self.source == "offer":
            return f"offer:{ids['offer']}"
        if self.source == "note":
            return f"note:{ids['member']}/{ids['template']}/{ids['note']}"
        if self.source == "package":
            return f"package:{ids['package']}"
        return ""

    @property
    def member(self) -> int | None:
        return dict(self.ids).get("member")

    def as_dict(self) -> dict:
        out = {"source": self.source, "ids": {k: plain(v) for k, v in self.ids}, "measure": self.measure,
               "figure": plain(self.figure), "stale": self.stale}
        if self.text:
            out["text"] = self.text
        if self.source == "reference":
            out["source_name"] = self.source_name
            out["year"] = self.year
        return out

    def sort_key(self) -> tuple:
        return (SOURCES.index(self.source), json.dumps(self.as_dict(), sort_keys=True, ensure_ascii=False))


@dataclass(frozen=True)
class Assumption:
    """A threshold a rule used, and whether the claim still holds when it moves to ``lower`` or ``higher``.

    ``holds_lower`` and ``holds_higher`` come from running the rule again with the moved
    threshold: the claim holds when the rule still makes a finding with the same id.
    """

    name: str
    value: float
    lower: float
    higher: float
    holds_lower: bool
    holds_higher: bool

    @property
    def robust(self) -> bool:
        return self.holds_lower and self.holds_higher

    def as_dict(self) -> dict:
        return {"name": self.name, "text": f"strategy.assumption.{self.name}", "value": plain(self.value),
                "lower": plain(self.lower), "higher": plain(self.higher),
                "holds_lower": self.holds_lower, "holds_higher": self.holds_higher, "robust": self.robust}


@dataclass(frozen=True)
class Consequence:
    """What one option changes for one member.

    ``packages`` it takes part in (ids, or ``new:<theme>`` for one to make), ``partners``
    (member ids it works with), ``months`` it opens or works in, ``capacity`` (guest-days a
    year it adds), ``cost`` (NOK a year it pays; negative: it saves), ``hours`` (in-kind hours a
    year), and ``change``: the message that says it in words.
    """

    member: int
    change: Text
    packages: tuple[str, ...] = ()
    partners: tuple[int, ...] = ()
    months: tuple[int, ...] = ()
    capacity: int = 0
    cost: float = 0.0
    hours: float = 0.0

    def as_dict(self) -> dict:
        return {"member": self.member, "change": self.change.as_dict(), "packages": list(self.packages),
                "partners": list(self.partners), "months": list(self.months), "capacity": int(self.capacity),
                "cost": plain(self.cost), "hours": plain(self.hours)}


@dataclass(frozen=True)
class Option:
    """A course the members may choose; the software never chooses one."""

    id: str
    text: Text
    consequences: tuple[Consequence, ...] = ()

    @property
    def members(self) -> tuple[int, ...]:
        return tuple(sorted({c.member for c in self.consequences}))

    def totals(self) -> dict:
        """The option's consequences summed over its members: capacity, cost and hours."""
        return {"capacity": sum(c.capacity for c in self.consequences),
                "cost": plain(sum(c.cost for c in self.consequences)),
                "hours": plain(sum(c.hours for c in self.consequences)), "members": len(self.members)}

    def as_dict(self) -> dict:
        return {"id": self.id, "text": self.text.as_dict(), "totals": self.totals(),
                "consequences": [c.as_dict() for c in sorted(self.consequences, key=lambda c: c.member)]}


def confidence(evidence: Sequence[Evidence], assumptions: Sequence[Assumption]) -> str:
    """The documented rule: ``high``, ``medium`` or ``low``.

    Start from the number of members the evidence names: three or more gives ``high``, two
    ``medium``, fewer ``low``. Each assumption under which the claim fails when its threshold
    moves one step lowers it by one level; so does evidence resting only on reference figures
    (all approximate) or on rows that are stale.
    """
    members = {e.member for e in evidence if e.member is not None and not e.stale}
    level = 2 if len(members) >= 3 else 1 if len(members) == 2 else 0
    level -= sum(not a.robust for a in assumptions)
    if evidence and all(e.source == "reference" or e.stale for e in evidence):
        level -= 1
    return CONFIDENCE[max(0, min(2, level))]


@dataclass(frozen=True)
class Finding:
    """One finding of the cluster's strategy.

    ``id`` is ``<kind>:<subject>``, so the same data gives the same id in every run and a
    decision recorded on a finding finds it again.
    """

    kind: str
    subject: str
    claim: Text
    method: Text
    evidence: tuple[Evidence, ...] = ()
    assumptions: tuple[Assumption, ...] = ()
    options: tuple[Option, ...] = ()
    #: What the claim's figures are, as plain values (for the report's tables).
    figures: tuple[tuple[str, Any], ...] = ()

    @property
    def id(self) -> str:
        return f"{self.kind}:{self.subject}"

    @property
    def confidence(self) -> str:
        return confidence(self.evidence, self.assumptions)

    @property
    def members(self) -> tuple[int, ...]:
        """Every member the finding's evidence or options name."""
        found = {e.member for e in self.evidence if e.member is not None}
        found |= {c.member for o in self.options for c in o.consequences}
        return tuple(sorted(found))

    def as_dict(self) -> dict:
        return {
            "id": self.id, "kind": self.kind, "subject": self.subject, "claim": self.claim.as_dict(),
            "method": self.method.as_dict(), "confidence": self.confidence,
            "confidence_text": f"strategy.confidence.{self.confidence}",
            "evidence": [e.as_dict() for e in sorted(self.evidence, key=Evidence.sort_key)],
            "assumptions": [a.as_dict() for a in sorted(self.assumptions, key=lambda a: a.name)],
            "options": [o.as_dict() for o in sorted(self.options, key=lambda o: o.id)],
            "figures": {k: plain(v) for k, v in self.figures},
        }

    def to_json(self) -> str:
        """The finding as JSON: sorted keys, stable order, rounded floats; the same bytes for the same data."""
        return dumps(self.as_dict())


def dumps(data: Any) -> str:
    """Klynge's stable JSON for findings (sorted keys, UTF-8 text, no NaN)."""
    return json.dumps(data, sort_keys=True, ensure_ascii=False, indent=1, allow_nan=False)


def make(kind: str, subject: Any, claim: Text, method: Text, evidence: Iterable[Evidence] = (),
         options: Iterable[Option] = (), figures: Mapping[str, Any] | None = None) -> Finding:
    """A finding without assumptions yet (the rule's runner adds them), evidence de-duplicated."""
    rows = tuple(sorted(set(evidence), key=Evidence.sort_key))
    return Finding(kind, str(subject), claim, method, rows, (), tuple(sorted(options, key=lambda o: o.id)),
                   _frozen(figures))


def check_evidence(finding: Finding, existing_ids: Iterable[str]) -> Finding:
    """The finding with each row whose member, offer, note or package is gone marked stale.

    Rows are never dropped: a report shows a stale row as such. Reference rows are never stale.
    The confidence is worked out again (stale rows count for nothing).
    """
    existing = set(existing_ids)
    rows = tuple(replace(e, stale=bool(e.ref) and e.ref not in existing) for e in finding.evidence)
    return replace(finding, evidence=rows)
