"""The cluster's maturity self-assessment: answers, scores, the next steps they imply, snapshots and trends.

The framework is an assessment template (:class:`klynge.canvases.AssessmentTemplate`, by
default ``canvases/cluster_self_assessment.yaml``): areas, questions with a weight, a scale,
levels and each area's next steps. A facilitator and each member answer it
(:class:`MaturityAnswers`, one per respondent and programme round; a question may stay
unanswered). :func:`score` combines the answers: per question the mean of those who answered,
per area and in total the weighted mean of the answered questions; unanswered questions are
left out and counted. :func:`next_steps` reads the lowest areas' steps from the framework.

At the end of a programme round the facilitator takes a :class:`MaturitySnapshot`: the
round's label and date, its score and the members' figures (offers, low-season share, SDG
actions), which the caller hands in. :func:`trend` compares two snapshots: what matured, what
declined, and which members' figures moved. Nothing here reads or writes anything.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from typing import Annotated, Any, Protocol

from pydantic import AfterValidator, Field

from ..errors import ValidationError
from ..i18n import t
from .base import Model, Name, Text


class AssessmentTemplate(Protocol):
    """What scoring reads of a framework: :class:`klynge.canvases.AssessmentTemplate` has it.

    Declared here so the model does not import the templates' layer above it.
    """

    id: str
    areas: Sequence[Any]
    questions: Sequence[Any]
    scale: Sequence[Any]

    def questions_in_area(self, area_id: str) -> Sequence[Any]: ...

    def level_for(self, value: float) -> Any: ...

__all__ = [
    "FACILITATOR", "AreaChange", "AreaScore", "FigureChange", "MaturityAnswers", "MaturityScore",
    "MaturitySnapshot", "MaturityTrend", "MemberFigures", "MemberMove", "NextStep", "check_answers",
    "next_steps", "respondent", "respondent_organisation", "score", "trend",
]

#: The respondent who answers for the cluster's management.
FACILITATOR = "facilitator"
_RESPONDENT = re.compile(r"^(?:facilitator|organisation-[1-9][0-9]{0,11})$")
_DIGITS = 3  # scores and shares are kept to three decimals, so snapshots compare and serialise exactly


def _respondent(value: str) -> str:
    if not _RESPONDENT.match(value):
        raise ValueError("expected 'facilitator' or 'organisation-<id>'")
    return value


def respondent(organisation_id: int | None = None) -> str:
    """The respondent key of a member organisation, or of the facilitator when None."""
    return FACILITATOR if organisation_id is None else f"organisation-{int(organisation_id)}"


def respondent_organisation(key: str) -> int | None:
    """The organisation a respondent key names (None for the facilitator)."""
    _respondent(key)
    return None if key == FACILITATOR else int(key.removeprefix("organisation-"))


Respondent = Annotated[str, Field(max_length=32), AfterValidator(_respondent)]
QuestionId = Annotated[str, Field(min_length=1, max_length=64)]
#: A programme round's label, e.g. "Arena 2026 spring".
Round = Name


class MaturityAnswers(Model):
    """One respondent's answers in one round: a scale value per question id, None where unanswered."""

    round: Round
    respondent: Respondent
    answers: dict[QuestionId, int | None] = Field(default_factory=dict)
    comment: Text = ""


def check_answers(framework: AssessmentTemplate, answers: MaturityAnswers, lang: str = "en") -> None:
    """Refuse answers to questions the framework does not ask, or values off its scale.

    Raises
    ------
    ValidationError
        One problem per bad answer, naming the question, in ``lang``.
    """
    asked = {q.id for q in framework.questions}
    values = [p.value for p in framework.scale]
    problems = []
    for qid, value in answers.answers.items():
        if qid not in asked:
            problems.append((qid, t("maturity.unknown_question", lang, id=qid, framework=framework.id)))
        elif value is not None and value not in values:
            problems.append((qid, t("maturity.off_scale", lang, value=value,
                                    values=", ".join(str(v) for v in values))))
    if problems:
        raise ValidationError(problems)


class AreaScore(Model):
    """One area's score: the weighted mean of its answered questions (None when none is answered)."""

    area: str
    average: float | None = None
    #: ``average`` placed on the scale, 0 at its lowest value and 1 at its highest.
    share: float | None = None
    answered: int = 0
    unanswered: int = 0


class MaturityScore(Model):
    """Every area's score and the total, with how many questions were answered and by how many."""

    framework: str
    areas: list[AreaScore]
    total: float | None = None
    share: float | None = None
    answered: int = 0
    unanswered: int = 0
    respondents: int = 0
    level: str | None = None

    def area(self, area_id: str) -> AreaScore | None:
        return next((a for a in self.areas if a.area == area_id), None)


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, _DIGITS)


def score(framework: AssessmentTemplate, answers: Sequence[MaturityAnswers]) -> MaturityScore:
    """Score ``answers`` (any number of respondents) on ``framework``.

    A question's value is the mean of the respondents who answered it; an area's average and
    the total are means of the answered questions weighted by their ``weight``. Unanswered
    questions are left out of every mean and counted in ``unanswered``. Answers to questions
    the framework does not ask are ignored (:func:`check_answers` refuses them on the way in).
    """
    low, high = framework.scale[0].value, framework.scale[-1].value
    means: dict[str, float] = {}
    for q in framework.questions:
        given = [a.answers.get(q.id) for a in answers]
        given = [v for v in given if v is not None]
        if given:
            means[q.id] = sum(given) / len(given)

    def weighted(questions) -> float | None:
        done = [q for q in questions if q.id in means]
        weight = sum(q.weight for q in done)
        return sum(q.weight * means[q.id] for q in done) / weight if weight else None

    def share(average: float | None) -> float | None:
        return None if average is None else (average - low) / (high - low)

    areas = []
    for area in framework.areas:
        questions = framework.questions_in_area(area.id)
        average = weighted(questions)
        answered = sum(1 for q in questions if q.id in means)
        areas.append(AreaScore(area=area.id, average=_round(average), share=_round(share(average)),
                               answered=answered, unanswered=len(questions) - answered))
    total = weighted(framework.questions)
    return MaturityScore(
        framework=framework.id, areas=areas, total=_round(total), share=_round(share(total)),
        answered=len(means), unanswered=len(framework.questions) - len(means),
        respondents=sum(1 for a in answers if any(v is not None for v in a.answers.values())),
        level=framework.level_for(total).id if total is not None else None)


class NextStep(Model):
    """A low area and the steps the framework names for it, in one language."""

    area: str
    title: str
    average: float
    steps: list[str]


def next_steps(framework: AssessmentTemplate, scored: MaturityScore, lang: str, limit: int = 3) -> list[NextStep]:
    """The ``limit`` lowest-scoring areas (below the top of the scale) with their next steps, lowest first.

    Areas without an answer are not ranked: they are not known to be low. Ties keep the
    framework's order.
    """
    top = framework.scale[-1].value
    order = {a.id: i for i, a in enumerate(framework.areas)}
    ranked = sorted((a for a in scored.areas if a.average is not None and a.average < top and a.area in order),
                    key=lambda a: (a.average, order[a.area]))
    by_id = {a.id: a for a in framework.areas}
    return [NextStep(area=a.area, title=by_id[a.area].title.get(lang), average=a.average,
                     steps=by_id[a.area].next_steps_in(lang)) for a in ranked[:limit]]


def _share(value: float) -> float:
    return round(value, _DIGITS)


class MemberFigures(Model):
    """The figures of one member that a snapshot keeps: offers, low-season share, SDG actions."""

    offers: int = Field(ge=0)
    #: The share of the member's capacity in the low season, 0 to 1 (None when unknown).
    low_season_share: Annotated[float, Field(ge=0, le=1), AfterValidator(_share)] | None = None
    sdg_actions: int = Field(ge=0)


class MaturitySnapshot(Model):
    """The maturity score and the members' figures at the end of one programme round."""

    round: Round
    taken_on: date
    score: MaturityScore
    #: The members' figures, keyed as the caller names members (their name or id).
    members: dict[str, MemberFigures] = Field(default_factory=dict)


class AreaChange(Model):
    """How one area's average moved between two snapshots."""

    area: str
    before: float | None
    after: float | None
    change: float | None


class FigureChange(Model):
    """One figure of a member that moved."""

    figure: str
    before: float | int | None
    after: float | int | None


class MemberMove(Model):
    """A member whose figures moved between two snapshots."""

    member: str
    changes: list[FigureChange]


class MaturityTrend(Model):
    """What changed from one snapshot to the next."""

    before: str
    after: str
    total_change: float | None
    matured: list[AreaChange]
    declined: list[AreaChange]
    steady: list[AreaChange]
    #: Areas answered in one of the two snapshots only.
    not_comparable: list[AreaChange]
    moved: list[MemberMove]
    joined: list[str]
    left: list[str]


def trend(before: MaturitySnapshot, after: MaturitySnapshot, min_change: float = 0.25) -> MaturityTrend:
    """Compare two snapshots: areas that matured or declined by at least ``min_change``, members whose figures moved.

    Areas are matched by id (a framework changed between rounds compares what both hold);
    members by the keys the caller gave them.
    """
    old = {a.area: a for a in before.score.areas}
    matured, declined, steady, other = [], [], [], []
    for new in after.score.areas:
        was = old.get(new.area)
        b, a = (was.average if was else None), new.average
        change = _round(a - b) if a is not None and b is not None else None
        row = AreaChange(area=new.area, before=b, after=a, change=change)
        if change is None:
            other.append(row)
        elif change >= min_change:
            matured.append(row)
        elif change <= -min_change:
            declined.append(row)
        else:
            steady.append(row)
    moved = []
    for key in sorted(set(before.members) & set(after.members)):
        b, a = before.members[key], after.members[key]
        changes = [FigureChange(figure=f, before=getattr(b, f), after=getattr(a, f))
                   for f in MemberFigures.model_fields if getattr(b, f) != getattr(a, f)]
        if changes:
            moved.append(MemberMove(member=key, changes=changes))
    t0, t1 = before.score.total, after.score.total
    return MaturityTrend(
        before=before.round, after=after.round,
        total_change=_round(t1 - t0) if t0 is not None and t1 is not None else None,
        matured=sorted(matured, key=lambda r: -r.change), declined=sorted(declined, key=lambda r: r.change),
        steady=steady, not_comparable=other, moved=moved,
        joined=sorted(set(after.members) - set(before.members)), left=sorted(set(before.members) - set(after.members)))
