"""The cluster's plan, for a facilitator: the target mix of members and the economics figures.

The batch's findings weigh the cluster against them: which kinds of organisation are missing
(mobilisation) and what the fees and in-kind hours could fund against a cluster manager's cost
(economics). Shares are typed in per cent, money in NOK a year.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal

import pydantic

from .. import reference
from ..errors import FormProblems, NotFound
from ..i18n import t
from ..model import CATEGORIES, ClusterPlan
from ..store import Identity, Store, Versioned
from ..validation import explain
from .profile_service import parse_amount

__all__ = ["MONEY", "PlanService", "form_values", "parse_municipalities", "parse_plan"]

#: The plan's figures besides the shares, in the form's order.
MONEY = ("fee", "hours", "rate", "manager_cost")


def _municipality_codes() -> dict[str, str]:
    """Each reference municipality's code, by its code and by its names in lower case."""
    found: dict[str, str] = {}
    for m in reference.municipalities():
        for name in (m.code, m.name, *m.official_names):
            found.setdefault(name.strip().lower(), m.code)
    return found


def parse_municipalities(text: str) -> tuple[list[str], list[str]]:
    """The municipality codes in ``text`` (names or codes, separated by commas, semicolons or lines) and
    the words that name no municipality."""
    codes, unknown = [], []
    known = _municipality_codes()
    for word in re.split(r"[,;\n]+", text or ""):
        word = word.strip()
        if not word:
            continue
        code = known.get(word.lower()) or known.get(word.zfill(4) if word.isdigit() else "")
        if code is None:
            unknown.append(word)
        elif code not in codes:
            codes.append(code)
    return codes, unknown


def _label(field: str, lang: str) -> str:
    return t(f"plan.{field}", lang)


def parse_plan(values: Mapping[str, str], lang: str = "nb") -> ClusterPlan:
    """The plan from the form's texts (shares in per cent; empty figures: not known), or
    :class:`~klynge.errors.FormProblems` with a message beside each field that is wrong."""
    problems: list[tuple[str, str, str]] = []
    numbers: dict[str, Decimal | None] = {}
    for field in (*CATEGORIES, *MONEY):
        text = str(values.get(field, "") or "").strip()
        number = parse_amount(text) if text else None
        if text and number is None:
            problems.append((field, _label(field, lang), t("plan.not_number", lang)))
        numbers[field] = number
    municipalities, unknown = parse_municipalities(str(values.get("municipalities", "") or ""))
    if unknown:
        problems.append(("municipalities", _label("municipalities", lang),
                         t("plan.unknown_municipality", lang, names=", ".join(unknown))))
    if problems:
        raise FormProblems(problems)
    mix = {c: numbers[c] / 100 for c in CATEGORIES if numbers[c] is not None}
    try:
        return ClusterPlan(target_mix=mix, target_municipalities=municipalities, **{f: numbers[f] for f in MONEY})
    except pydantic.ValidationError as exc:
        for error, (_given, message) in zip(exc.errors(), explain(exc, lang).problems):
            loc = [p for p in error["loc"] if isinstance(p, str)]
            field = loc[-1] if loc and loc[-1] in (*CATEGORIES, *MONEY) else "mix"
            problems.append((field, _label(field, lang), message))
        raise FormProblems(problems) from None


def form_values(plan: ClusterPlan) -> dict[str, str]:
    """The form's texts for ``plan`` (the inverse of :func:`parse_plan`)."""
    def text(value: Decimal | None) -> str:
        return "" if value is None else format(value.normalize(), "f")

    values = {c: text(plan.target_mix[c] * 100) if c in plan.target_mix else "" for c in CATEGORIES}
    values.update({f: text(getattr(plan, f)) for f in MONEY})
    values["municipalities"] = ", ".join(_municipality_name(c) for c in plan.target_municipalities)
    return values


def _municipality_name(code: str) -> str:
    try:
        return reference.municipality(code).name
    except NotFound:
        return code


class PlanService:
    """Reads and saves the cluster's plan for the signed-in facilitator (the store decides who may)."""

    def __init__(self, store: Store, who: Identity):
        self._store, self._who = store, who

    def plan(self) -> Versioned[ClusterPlan]:
        """The plan and the version a save names (0 while none is saved)."""
        return self._store.cluster_plan(self._who)

    def save(self, values: Mapping[str, str], base_version: int | None, lang: str = "nb") -> int:
        """Check the form's texts and save them; returns the new version.

        Raises
        ------
        FormProblems
            A field's text is not acceptable (in ``lang``).
        Conflict
            Someone saved since ``base_version``.
        AccessDenied
            The caller does not manage the cluster.
        """
        return self._store.save_cluster_plan(self._who, parse_plan(values, lang), base_version)
