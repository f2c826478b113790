"""The maturity self-assessment on the default framework: scores with unanswered questions, next steps, trends."""

from datetime import date

import pydantic
import pytest

from klynge.canvases import AssessmentTemplate, Registry, default_registry
from klynge.errors import TemplateError, ValidationError
from klynge.model import (
    MaturityAnswers,
    MaturitySnapshot,
    MemberFigures,
    check_answers,
    next_steps,
    respondent,
    respondent_organisation,
    score,
    trend,
)

NIC = ["resource_base", "relations", "position_potential", "ownership_leadership", "goals_strategy",
       "implementation_plan"]
EUCLES = ["cluster_structure", "management_governance", "financing", "services", "contacts_interaction",
          "achievements_recognition"]


@pytest.fixture(scope="module")
def framework() -> AssessmentTemplate:
    return default_registry().get("cluster_self_assessment")


def answers(key="facilitator", round="R1", **values):
    return MaturityAnswers(round=round, respondent=key, answers=values)


def test_the_default_framework_holds_both_programmes_areas_each_with_next_steps(framework):
    assert [a.id for a in framework.areas] == NIC + EUCLES
    for area in framework.areas:
        for lang in ("nb", "sv", "en"):
            assert area.next_steps_in(lang), (area.id, lang)
    assert all(q.weight == 1 for q in framework.questions)


def test_unanswered_questions_are_left_out_and_counted(framework):
    scored = score(framework, [answers(resource_members=2, resource_capacity=None, relations_trust=5)])
    base = scored.area("resource_base")
    assert (base.average, base.answered, base.unanswered) == (2.0, 1, 1)
    assert scored.area("services").average is None and scored.area("services").unanswered == 2
    assert scored.total == 3.5 and scored.answered == 2 and scored.unanswered == len(framework.questions) - 2
    assert scored.share == pytest.approx(0.625) and scored.level == "bronze_ready"
    nothing = score(framework, [answers()])
    assert nothing.total is None and nothing.level is None and nothing.respondents == 0


def test_respondents_are_averaged_per_question_and_weights_count(framework, tmp_path):
    two = [answers(resource_members=1), answers("organisation-4", resource_members=4, resource_capacity=4)]
    scored = score(framework, two)
    # question means 2.5 and 4, equal weights
    assert scored.area("resource_base").average == 3.25 and scored.respondents == 2
    (tmp_path / "weighted.yaml").write_text(
        "extends: cluster_self_assessment\nquestions:\n  - id: resource_capacity\n    weight: 3\n", encoding="utf-8")
    weighted = Registry([tmp_path]).get("weighted")
    assert score(weighted, two).area("resource_base").average == pytest.approx((2.5 + 3 * 4) / 4, abs=1e-3)


def test_a_weight_must_be_positive(tmp_path):
    (tmp_path / "bad.yaml").write_text(
        "extends: cluster_self_assessment\nquestions:\n  - id: resource_capacity\n    weight: 0\n", encoding="utf-8")
    with pytest.raises(TemplateError, match="weight"):
        Registry([tmp_path]).get("bad")


def test_next_steps_come_from_the_lowest_areas_in_the_readers_language(framework):
    scored = score(framework, [answers(services_offer=1, financing_mix=2, relations_trust=2, goals_measurable=5)])
    steps = next_steps(framework, scored, "sv", limit=2)
    assert [s.area for s in steps] == ["services", "relations"]  # a tie keeps the framework's order
    assert steps[0].title == "Tjänster" and steps[0].steps[0].startswith("Välj två eller tre tjänster")
    assert "goals_strategy" not in [s.area for s in next_steps(framework, scored, "en", limit=12)]


def test_answers_off_the_framework_are_refused_per_question(framework):
    with pytest.raises(ValidationError) as caught:
        check_answers(framework, answers(resource_members=9, made_up=3), "en")
    problems = dict(caught.value.problems)
    assert "not on the scale" in problems["resource_members"] and "no question made_up" in problems["made_up"]
    check_answers(framework, answers(resource_members=5, relations_trust=None))


def test_respondent_keys():
    assert respondent() == "facilitator" and respondent(12) == "organisation-12"
    assert respondent_organisation("organisation-12") == 12 and respondent_organisation("facilitator") is None
    with pytest.raises(ValueError):
        MaturityAnswers(round="R1", respondent="organisation-0")


def _snap(framework, round, values, members):
    return MaturitySnapshot(round=round, taken_on=date(2026, 6, 1), score=score(framework, [answers(**values)]),
                            members={k: MemberFigures(**v) for k, v in members.items()})


def test_the_trend_names_what_matured_declined_and_whose_figures_moved(framework):
    before = _snap(framework, "Spring", {"services_offer": 2, "relations_trust": 4, "plan_actions": 3},
                   {"Fjell": {"offers": 2, "low_season_share": 0.25, "sdg_actions": 1},
                    "Gard": {"offers": 1, "sdg_actions": 0}, "Gone": {"offers": 1, "sdg_actions": 0}})
    after = _snap(framework, "Autumn", {"services_offer": 4, "relations_trust": 3, "plan_actions": 3,
                                        "financing_mix": 2},
                  {"Fjell": {"offers": 3, "low_season_share": 0.4, "sdg_actions": 1},
                   "Gard": {"offers": 1, "sdg_actions": 0}, "New": {"offers": 0, "sdg_actions": 2}})
    change = trend(before, after)
    assert [(c.area, c.before, c.after) for c in change.matured] == [("services", 2.0, 4.0)]
    assert [c.area for c in change.declined] == ["relations"]
    assert "implementation_plan" in [c.area for c in change.steady]
    assert "financing" in [c.area for c in change.not_comparable]
    assert [(m.member, [(f.figure, f.before, f.after) for f in m.changes]) for m in change.moved] == [
        ("Fjell", [("offers", 2, 3), ("low_season_share", 0.25, 0.4)])]
    assert change.joined == ["New"] and change.left == ["Gone"]
    assert (change.before, change.after) == ("Spring", "Autumn")
    # a snapshot survives JSON as it is, so the store's copy compares the same
    assert MaturitySnapshot.model_validate_json(after.model_dump_json()) == after


def test_a_member_figure_out_of_range_is_refused():
    with pytest.raises(pydantic.ValidationError):
        MemberFigures(offers=-1, sdg_actions=0)
    with pytest.raises(pydantic.ValidationError):
        MemberFigures(offers=1, sdg_actions=0, low_season_share=1.5)
