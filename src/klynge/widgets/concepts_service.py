"""What the concept board may do: read the pipeline, start and promote concepts, edit, drop and re-own them.

The page (:mod:`klynge.widgets.concepts_page`) is handed a :class:`ConceptsService` and never
sees the store or the identity. The form's values (texts as typed, months, partners, a date)
are turned into a :class:`~klynge.model.concept.ConceptBody` here, and every problem comes back
beside its field in the person's language (:class:`~klynge.errors.FormProblems`): a field the
model refuses, a field the next stage needs (:func:`~klynge.model.concept.missing`), or what the
store refused. The store decides again on every call (:func:`klynge.store.access.require_concept`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pydantic

from ..errors import FormProblems, Refused
from ..i18n import t
from ..model.concept import PIPELINE, STAGES, ConceptBody, field_label, missing, next_stage
from ..store import ConceptRevision, Identity, PromotableIdea, Store, StoredConcept
from ..store.access import decide
from ..validation import explain
from .profile_service import CALENDAR, parse_amount

__all__ = ["FIELDS", "Card", "ConceptsService", "Opened", "months_png"]

#: The form's fields, in order; a dotted model field is written with "_" (``plan.what`` -> ``plan_what``).
FIELDS = ("title", "customer", "job", "experience", "partners", "months", "price_from", "price_to", "currency",
          "sustainability", "sdgs", "package", "plan_what", "plan_how", "plan_with_whom", "plan_by",
          "result_testers", "result_worked", "result_failed", "result_bookings", "result_feedback", "measure_name",
          "measure_value", "measures", "reason")
_TEXTS = ("title", "customer", "job", "experience", "sustainability", "reason")
_NUMBERS = ("price_from", "price_to", "result_bookings", "result_feedback", "measure_value")


@dataclass(frozen=True)
class Card:
    """One concept on the board: its title, owner, partners and months, and whether I may change it."""

    id: int
    stage: str
    title: str
    owner: str
    partners: tuple[str, ...]
    months: tuple[int, ...]
    editable: bool


@dataclass(frozen=True)
class Opened:
    """A concept opened to edit or read, with its revisions and what the caller may do with it."""

    concept: StoredConcept
    history: list[ConceptRevision]
    editable: bool
    droppable: bool
    next: str | None


def _field(loc: tuple) -> str:
    """The form field a pydantic error's location belongs beside."""
    names = [p for p in loc if isinstance(p, str)]
    if not names:
        return "title"
    if names[0] == "result" and "measures" in names:
        return "measure_value" if names[-1] == "value" else "measure_name"
    if names[0] in ("plan", "result") and len(names) > 1:
        return f"{names[0]}_{names[1]}"
    if names[0] == "package_owner":
        return "package"
    return names[0] if names[0] in FIELDS else "title"


class ConceptsService:
    """One person's view of the cluster's concept pipeline (a participant's, or a facilitator's)."""

    def __init__(self, store: Store, who: Identity):
        self._store, self._who = store, who

    @property
    def person(self) -> str:
        return self._who.name

    @property
    def can_start(self) -> bool:
        """A participant of a member organisation starts concepts; a facilitator does not."""
        return self._who.role == "participant" and self._who.organisation_id is not None

    @property
    def can_steer(self) -> bool:
        """Whether the caller may drop any concept and give it another owner (a facilitator)."""
        return decide(self._who, "steer_concepts", cluster_id=self._who.cluster_id)

    # -- reading ---------------------------------------------------------------------------
    def organisations(self) -> dict[int, str]:
        """The cluster's organisations by id: their names."""
        return {o.id: o.name for o in self._store.organisations(self._who)}

    def editable(self, concept: StoredConcept) -> bool:
        org = self._who.organisation_id
        return (self._who.role == "participant" and org is not None and concept.stage not in ("launched", "dropped")
                and (org == concept.owner_id or org in concept.body.partners))

    def board(self) -> list[Card]:
        """Every concept of the cluster as a card, in the board's order (stage, then oldest first)."""
        names = self.organisations()
        cards = [Card(c.id, c.stage, c.title, c.owner, tuple(names.get(p, "") for p in c.body.partners),
                      tuple(c.body.months), self.editable(c)) for c in self._store.concepts(self._who)]
        return sorted(cards, key=lambda c: (STAGES.index(c.stage), c.id))

    def open(self, concept_id: int) -> Opened:
        concept = self._store.concept(self._who, concept_id)
        editable = self.editable(concept)
        return Opened(concept, self._store.concept_history(self._who, concept_id), editable,
                      concept.stage not in ("launched", "dropped") and (editable or self.can_steer),
                      next_stage(concept.stage))

    def ideas(self) -> list[PromotableIdea]:
        """Ideas of closed workshop rounds that have no concept yet."""
        return self._store.promotable_ideas(self._who)

    def packages(self) -> list[tuple[str, tuple[int, str]]]:
        """The packages the caller may see, as (label, (owner id, name)), by label."""
        found = [(f"{p.title} ({names})", (r.organisation_id, r.document))
                 for p, r in self._store.packages(self._who)
                 for names in [self.organisations().get(r.organisation_id, "")]]
        return sorted(found)

    # -- the form --------------------------------------------------------------------------
    def build(self, form: Mapping, lang: str) -> ConceptBody:
        """A concept's body from the form, or :class:`FormProblems` beside each field, in ``lang``."""
        problems: list[tuple[str, str, str]] = []
        numbers: dict[str, Decimal | None] = {}
        for name in _NUMBERS:
            text = str(form.get(name, "") or "").strip()
            value = parse_amount(text) if text else None
            if text and value is None:
                problems.append((name, _label(name, lang), t("error.not_number", lang)))
            numbers[name] = value
        bookings = numbers["result_bookings"]
        if bookings is not None and bookings != bookings.to_integral_value():
            problems.append(("result_bookings", _label("result_bookings", lang), t("error.not_whole_number", lang)))
        package = form.get("package") or None
        measure = str(form.get("measure_name", "") or "").strip()
        measures = [] if not measure and numbers["measure_value"] is None else \
            [{"name": measure, "value": numbers["measure_value"] if numbers["measure_value"] is not None else 0}]
        if measure == "" and measures:
            problems.append(("measure_name", _label("measure_name", lang), t("error.missing", lang)))
            measures = []
        data = {name: str(form.get(name, "") or "") for name in _TEXTS}
        by = form.get("plan_by")
        data.update(
            partners=[int(p) for p in form.get("partners", ())], months=list(form.get("months", ())),
            sdgs=[int(g) for g in form.get("sdgs", ())], currency=form.get("currency") or "NOK",
            price_from=numbers["price_from"], price_to=numbers["price_to"],
            package_owner=package[0] if package else None, package=package[1] if package else "",
            plan={"what": str(form.get("plan_what", "") or ""), "how": str(form.get("plan_how", "") or ""),
                  "with_whom": str(form.get("plan_with_whom", "") or ""),
                  "by": by if isinstance(by, date) else None},
            result={"testers": str(form.get("result_testers", "") or ""),
                    "worked": str(form.get("result_worked", "") or ""),
                    "failed": str(form.get("result_failed", "") or ""),
                    "bookings": int(bookings) if bookings is not None and not problems else None,
                    "feedback": numbers["result_feedback"], "measures": measures})
        body = None
        try:
            body = ConceptBody.model_validate(data)
        except pydantic.ValidationError as exc:
            for error, (label, message) in zip(exc.errors(), explain(exc, lang).problems):
                field = "price_to" if error["type"] == "klynge_concept_price" else _field(error["loc"])
                problems.append((field, _label(field, lang) if field != "title" or not label else label, message))
        if problems or body is None:
            raise FormProblems(problems)
        return body

    def fill(self, body: ConceptBody) -> dict:
        """The form's values for ``body`` (the inverse of :meth:`build`)."""
        measure = body.result.measures[0] if body.result.measures else None
        return {
            **{name: getattr(body, name) for name in _TEXTS}, "partners": list(body.partners),
            "months": list(body.months), "sdgs": list(body.sdgs), "currency": body.currency,
            "price_from": _amount(body.price_from), "price_to": _amount(body.price_to),
            "package": (body.package_owner, body.package) if body.package else None,
            "plan_what": body.plan.what, "plan_how": body.plan.how, "plan_with_whom": body.plan.with_whom,
            "plan_by": body.plan.by, "result_testers": body.result.testers, "result_worked": body.result.worked,
            "result_failed": body.result.failed,
            "result_bookings": "" if body.result.bookings is None else str(body.result.bookings),
            "result_feedback": _amount(body.result.feedback), "measure_name": measure.name if measure else "",
            "measure_value": _amount(measure.value) if measure else ""}

    # -- changing --------------------------------------------------------------------------
    def start(self, title: str, lang: str) -> StoredConcept:
        """Start a concept of my organisation with a title (FormProblems beside "title")."""
        return self._refusing(lambda: self._store.start_concept(self._who, self.build({"title": title}, lang),
                                                                lang=lang), lang)

    def promote_idea(self, idea_id: int, lang: str) -> StoredConcept:
        return self._refusing(lambda: self._store.promote_idea(self._who, idea_id, lang=lang), lang)

    def save(self, concept: StoredConcept, form: Mapping, lang: str) -> StoredConcept:
        """Save the form; the fields the concept's stage needs must stay filled in."""
        body = self.build(form, lang)
        self._require(body, concept.stage, lang)
        return self._refusing(lambda: self._store.save_concept(self._who, concept.id, body, concept.version,
                                                               lang=lang), lang)

    def promote(self, concept: StoredConcept, form: Mapping, lang: str) -> StoredConcept:
        """Save the form and move the concept to the next stage; each missing field is said beside it."""
        body = self.build(form, lang)
        target = next_stage(concept.stage)
        if target is not None:
            self._require(body, target, lang)
        return self._refusing(lambda: self._store.promote_concept(self._who, concept.id, concept.version, body,
                                                                  lang=lang), lang)

    def drop(self, concept: StoredConcept, reason: str, lang: str) -> StoredConcept:
        """Drop the concept with the reason (FormProblems beside "reason" without one)."""
        if not (reason or "").strip():
            raise FormProblems([("reason", _label("reason", lang), t("concept.error.needed", lang,
                                                                     stage=t("concept.stage.dropped", lang)))])
        return self._refusing(lambda: self._store.drop_concept(self._who, concept.id, reason, concept.version,
                                                               lang=lang), lang)

    def reown(self, concept: StoredConcept, organisation_id: int, lang: str) -> StoredConcept:
        return self._refusing(lambda: self._store.reown_concept(self._who, concept.id, organisation_id,
                                                                concept.version, lang=lang), lang)

    @staticmethod
    def _require(body: ConceptBody, stage: str, lang: str) -> None:
        lacking = missing(body, stage)
        if lacking:
            needed = t("concept.error.needed", lang, stage=t(f"concept.stage.{stage}", lang))
            raise FormProblems([(name.replace(".", "_"), field_label(name, lang), needed) for name in lacking])

    @staticmethod
    def _refusing(call, lang: str):
        """Run a store call; its refusal becomes a FormProblems beside the field it names."""
        try:
            return call()
        except Refused as exc:
            field = exc.field if exc.field in FIELDS else "title"
            raise FormProblems([(field, _label(field, lang), t(exc.key, lang, **exc.values))]) from None

    # -- the picture -----------------------------------------------------------------------
    def picture(self, cards: Iterable[Card], lang: str) -> bytes:
        return months_png(cards, lang)


def _label(field: str, lang: str) -> str:
    return t(f"concept.field.{field}", lang)


def _amount(value) -> str:
    if value is None:
        return ""
    return str(int(value)) if value == value.to_integral_value() else f"{value:.2f}".rstrip("0").rstrip(".")


def months_png(cards: Iterable[Card], lang: str) -> bytes:
    """A grid of 12 months (September first) by stage: how many concepts of each stage cover each month."""
    import matplotlib
    import numpy as np
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from ..report.figures import RC, months, png

    stages = [*PIPELINE, "dropped"]
    grid = np.zeros((len(stages), 12))
    for card in cards:
        for m in card.months:
            grid[stages.index(card.stage), CALENDAR.index(m)] += 1
    names = months(lang)
    width, height = 7.2, 2.9
    with matplotlib.rc_context({**RC, "font.size": 10}):
        fig = Figure(figsize=(width, height))
        FigureCanvasAgg(fig)
        ax = fig.add_axes((1.1 / width, 0.35 / height, 1 - 1.25 / width, 1 - 0.7 / height))
        top = max(1.0, float(grid.max()))
        ax.imshow(grid, cmap="Greens", vmin=0, vmax=top * 1.4, aspect="auto")
        for (row, col), value in np.ndenumerate(grid):
            if value:  # dark squares get white figures
                ax.text(col, row, f"{int(value)}", ha="center", va="center", fontsize=9,
                        color="white" if value > top / 2 and top > 1 else "#0b3d20")
        ax.set_xticks(range(12), [names[m - 1] for m in CALENDAR])
        ax.set_yticks(range(len(stages)), [t(f"concept.stage.{s}", lang) for s in stages])
        ax.set_xticks(np.arange(-0.5, 12), minor=True)
        ax.set_yticks(np.arange(-0.5, len(stages)), minor=True)
        ax.grid(which="minor", color="white", linewidth=2)
        ax.tick_params(which="both", length=0)
        ax.set_title(t("concept.picture_title", lang), loc="left")
        for side in ax.spines.values():
            side.set_visible(False)
    return png(fig)
