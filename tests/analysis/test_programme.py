"""Each member's progress per step and who may be stuck: pure functions, a clock given by the test."""

from datetime import UTC, datetime, timedelta

from klynge.analysis.programme import member_progress, stuck_reasons
from klynge.model import CanvasDocument, Note, Organisation, SdgAssessment, SdgEntry

NOW = datetime(2026, 11, 2, 12, tzinfo=UTC)
TEMPLATES = {"business_model": ["a", "b", "c"], "social_layer": ["x", "y"]}


def _member(**kw):
    org = Organisation(id=7, name="Fjellguidene", country="NO", orgnr="974760673", municipality="5021",
                       sector="activity", description="Guided walks")
    canvas = CanvasDocument(template="business_model", notes=[Note(id="1", block="a", text="Families"),
                                                              Note(id="2", block="b", text="  ")])
    sdg = SdgAssessment(entries=[SdgEntry(target="8.9", relevance=3, impact=1)])
    return member_progress(org, [], {"business_model": canvas}, sdg, templates=TEMPLATES,
                           shortlist=["8.9", "12.b", "14.7"], **kw)


def test_progress_per_step_in_the_programmes_order():
    row = _member(last_activity=NOW, people=["Kari"])
    assert [(s.step, s.done, s.total) for s in row.steps] == [
        ("profile", 1, 4), ("business_model", 1, 3), ("social_layer", 0, 2), ("sdg", 1, 3)]
    assert row.step("sdg").done == 1 and row.people == ("Kari",)


def test_who_is_stuck_and_why():
    quiet = _member(last_activity=NOW - timedelta(days=20))
    assert stuck_reasons(quiet, NOW, days=14) == [("members.stuck.idle", {"days": 20}),
                                                  ("members.stuck.empty", {"steps": ["social_layer"]})]
    assert stuck_reasons(quiet, NOW, days=30) == [("members.stuck.empty", {"steps": ["social_layer"]})]
    assert stuck_reasons(_member(), NOW)[0] == ("members.stuck.never", {})
