"""The concept pipeline: an idea becomes a concept, a prototype, a tested product, then launched or dropped.

A concept starts at the stage ``idea`` (promoted from a workshop round's idea, or from nothing
but a title) and moves forward one stage at a time; it never goes back. Each stage needs the
fields of every stage up to it (:data:`NEEDS`): a concept its customer, job, experience,
partners, months, price range and sustainability; a prototype a package from the package studio
and a test plan; a tested one who tried it, what worked, what did not and at least one measure;
launched (and dropped, from any stage) a reason. :func:`missing` names what a move still lacks,
and :func:`check_stage` says it per field in the person's language.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

from ..errors import ValidationError
from ..i18n import t
from .base import Currency, Id, Model, Months, Name, Text

__all__ = ["FINAL", "NEEDS", "PIPELINE", "STAGES", "ConceptBody", "Measure", "TestPlan", "TestResult",
           "check_stage", "field_label", "missing", "next_stage"]

Stage = Literal["idea", "concept", "prototype", "tested", "launched", "dropped"]
STAGES: tuple[str, ...] = Stage.__args__
#: The stages a concept moves through, in order (dropped can follow any of them but the last).
PIPELINE = ("idea", "concept", "prototype", "tested", "launched")
#: The stages nothing follows.
FINAL = ("launched", "dropped")

Goal = Annotated[int, Field(ge=1, le=17)]
Price = Annotated[Decimal, Field(ge=0, max_digits=10, decimal_places=2)]


class TestPlan(Model):
    """What a prototype's test is to find out, how, with whom and by when."""

    __test__ = False  # not a pytest test class

    what: Text = ""
    how: Text = ""
    with_whom: Text = ""
    by: date | None = None


class Measure(Model):
    """A measure of a test other than bookings and the feedback score: a name and a number."""

    name: Name
    value: Decimal = Field(max_digits=12, decimal_places=2)


class TestResult(Model):
    """What a test showed: who tried it, what worked, what did not, and its measures."""

    __test__ = False  # not a pytest test class

    testers: Text = ""
    worked: Text = ""
    failed: Text = ""
    bookings: int | None = Field(default=None, ge=0, le=1_000_000)
    #: The testers' feedback, on a scale from 0 to 10.
    feedback: Decimal | None = Field(default=None, ge=0, le=10, max_digits=4, decimal_places=1)
    measures: list[Measure] = Field(default_factory=list, max_length=10)

    def measured(self) -> bool:
        return self.bookings is not None or self.feedback is not None or bool(self.measures)


class ConceptBody(Model):
    """Everything a concept says, at every stage; what a stage needs is checked by :func:`missing`."""

    title: Name
    customer: Text = ""
    #: The job the customer wants done.
    job: Text = ""
    experience: Text = ""
    #: Member organisations of the cluster that make it with the owner (not the owner itself).
    partners: list[Id] = Field(default_factory=list, max_length=30)
    months: Months = Field(default_factory=list)
    price_from: Price | None = None
    price_to: Price | None = None
    currency: Currency = "NOK"
    sustainability: Text = ""
    sdgs: list[Goal] = Field(default_factory=list, max_length=17)
    #: The prototype's package: its owner organisation and its name in the package studio.
    package_owner: Id | None = None
    package: Annotated[str, Field(max_length=64)] = ""
    plan: TestPlan = Field(default_factory=TestPlan)
    result: TestResult = Field(default_factory=TestResult)
    #: Why it was launched or dropped.
    reason: Text = ""

    @model_validator(mode="after")
    def _tidy(self):
        if self.price_from is not None and self.price_to is not None and self.price_from > self.price_to:
            raise PydanticCustomError("klynge_concept_price", "the price from is above the price to")
        self.__dict__["partners"] = sorted(set(self.partners))  # through __dict__: no second validation
        self.__dict__["sdgs"] = sorted(set(self.sdgs))
        return self


def _filled(body: ConceptBody, name: str) -> bool:
    if name == "package":
        return bool(body.package) and body.package_owner is not None
    if name == "measures":
        return body.result.measured()
    if "." in name:
        head, tail = name.split(".")
        value = getattr(getattr(body, head), tail)
    else:
        value = getattr(body, name)
    return value not in (None, "", [])


#: The fields each stage needs filled in (on top of those of the stages before it).
NEEDS: dict[str, tuple[str, ...]] = {
    "idea": ("title",),
    "concept": ("customer", "job", "experience", "partners", "months", "price_from", "price_to", "sustainability"),
    "prototype": ("package", "plan.what", "plan.how", "plan.with_whom", "plan.by"),
    "tested": ("result.testers", "result.worked", "result.failed", "measures"),
    "launched": ("reason",),
    "dropped": ("reason",),
}


def next_stage(stage: str) -> str | None:
    """The stage after ``stage`` in the pipeline; None after launched or dropped."""
    if stage in FINAL:
        return None
    return PIPELINE[PIPELINE.index(stage) + 1]


def missing(body: ConceptBody, stage: str) -> list[str]:
    """The fields ``body`` lacks to be at ``stage``, in the form's order (dropped needs only a reason)."""
    if stage == "dropped":
        needed = NEEDS["dropped"]
    else:
        needed = tuple(f for s in PIPELINE[:PIPELINE.index(stage) + 1] for f in NEEDS[s])
    return [f for f in needed if not _filled(body, f)]


def field_label(name: str, lang: str) -> str:
    """A concept field's label in ``lang`` (``plan.what`` -> "What we test")."""
    return t(f"concept.field.{name.replace('.', '_')}", lang)


def check_stage(body: ConceptBody, stage: str, lang: str = "nb") -> None:
    """Raise :class:`~klynge.errors.ValidationError` naming each field ``body`` lacks for ``stage``, in ``lang``."""
    lacking = missing(body, stage)
    if lacking:
        needed = t("concept.error.needed", lang, stage=t(f"concept.stage.{stage}", lang))
        raise ValidationError([(field_label(name, lang), needed) for name in lacking])
