"""Decisions on findings' options: what a decision must say, and decisions whose finding is gone."""

from datetime import date

import pytest

from klynge.errors import ValidationError
from klynge.model import Decision, orphaned
from klynge.validation import validate

BASE = {"finding_id": "low-season-gap:oppdal", "option_id": "winter-package", "outcome": "chosen",
        "reasoning": "Three members can host it in November", "decided_by": ["Fjellguidene", 7],
        "decided_on": "2026-11-05"}


def test_a_decision_keeps_names_and_person_ids_apart():
    d = Decision.model_validate(BASE)
    assert d.decided_by == ["Fjellguidene", 7] and d.decided_on == date(2026, 11, 5)
    assert Decision.model_validate(d.model_dump(mode="json")) == d


@pytest.mark.parametrize("change, field", [
    ({"reasoning": "   "}, "reasoning"),
    ({"decided_by": []}, "decided_by"),
    ({"outcome": "postponed"}, "outcome"),
    ({"finding_id": ""}, "finding_id"),
    ({"option_id": "x\x00"}, "option_id"),
])
def test_a_decision_without_what_it_needs_is_refused_per_field(change, field):
    with pytest.raises(ValidationError) as caught:
        validate(Decision, {**BASE, **change}, "en")
    assert caught.value.problems[0][0].lower().startswith(field.split("_")[0][:4])


def test_an_amendment_must_say_what_changed_in_the_readers_language():
    with pytest.raises(ValidationError, match="say how the option was amended"):
        validate(Decision, {**BASE, "outcome": "amended"}, "en")
    with pytest.raises(ValidationError, match="hvordan alternativet ble endret"):
        validate(Decision, {**BASE, "outcome": "amended", "amendment": " "}, "nb")
    assert validate(Decision, {**BASE, "outcome": "amended", "amendment": "Only in November"}).amendment


def test_decisions_on_findings_no_longer_made_are_named_not_dropped():
    a = Decision.model_validate(BASE)
    b = Decision.model_validate({**BASE, "finding_id": "sdg-conflict:13"})

    class Stored:  # what the store hands back: the decision under .decision
        decision = b

    assert orphaned([a, b], ["low-season-gap:oppdal"]) == [b]
    assert orphaned([Stored], []) == [Stored]
    assert orphaned([a, b], ["low-season-gap:oppdal", "sdg-conflict:13"]) == []
