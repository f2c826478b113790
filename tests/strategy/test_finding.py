"""A finding as data: its texts in three languages, its JSON byte for byte, stale evidence, the confidence rule."""

from __future__ import annotations

import json

import pytest

from klynge.strategy.finding import (
    Assumption,
    Consequence,
    Evidence,
    Finding,
    Option,
    Text,
    check_evidence,
    confidence,
    make,
    plain,
)


def _finding(**more) -> Finding:
    rows = [Evidence.of("member", {"member": 1}, "idle_months", [10, 11]),
            Evidence.of("offer", {"member": 2, "offer": 7}, "open_months", [10], text="Guided <b>tour</b>"),
            Evidence.of("note", {"member": 3, "template": "business_model", "note": "n1"}, "key_partners",
                        text="<script>alert(1)</script>"),
            Evidence.of("reference", {"table": "seasonality", "area": "oppdal"}, "guest_night_share", 0.1 + 0.2,
                        source_name="seasonality.csv (approximate)", year=2022)]
    option = Option("extend_season", Text.of("strategy.option.extend_season"), (
        Consequence(2, Text.of("strategy.consequence.open_months", months=[10, 11]), months=(10, 11), capacity=610),
        Consequence(1, Text.of("strategy.consequence.open_months", months=[11]), months=(11,), capacity=300)))
    return make("low_season_gap", "oppdal", Text.of("strategy.claim.low_season_gap", area="Oppdal", months=[10, 11],
                                                    idle=1, members=3),
                Text.of("strategy.method.low_season_gap", kinds=["accommodation", "meal"]), rows, [option],
                {"share": 1 / 3, **more})


def test_plain_rounds_floats_and_writes_whole_numbers_as_ints():
    assert plain(0.1 + 0.2) == 0.3
    assert plain(2.0) == 2 and isinstance(plain(2.0), int)
    assert plain(-0.0) == 0
    assert plain({3: (1.23456789, {"b"})}) == {"3": [1.2346, ["b"]]}
    with pytest.raises(ValueError, match="infinite"):
        plain(float("nan"))


def test_the_id_is_kind_and_subject():
    assert _finding().id == "low_season_gap:oppdal"


def test_the_json_is_the_same_bytes_whatever_order_the_parts_came_in():
    a = _finding()
    b = make(a.kind, a.subject, a.claim, a.method, reversed(a.evidence), reversed(a.options), dict(reversed(a.figures)))
    assert a.to_json() == b.to_json()
    data = json.loads(a.to_json())
    assert [e["source"] for e in data["evidence"]] == ["member", "offer", "note", "reference"]
    assert data["options"][0]["consequences"][0]["member"] == 1  # by member
    assert data["figures"]["share"] == 0.3333


def test_markup_in_a_note_stays_literal_text_in_the_json():
    data = json.loads(_finding().to_json())
    assert "<script>alert(1)</script>" in [e.get("text") for e in data["evidence"]]
    assert "<script>alert(1)</script>" in _finding().to_json()  # not escaped, not dropped: the renderer escapes


def test_reference_rows_carry_their_source_and_year():
    ref = [e for e in json.loads(_finding().to_json())["evidence"] if e["source"] == "reference"][0]
    assert ref["source_name"] == "seasonality.csv (approximate)" and ref["year"] == 2022 and ref["figure"] == 0.3


@pytest.mark.parametrize("lang", ["nb", "sv", "en"])
def test_texts_render_in_each_language_with_month_and_kind_names(lang):
    f = _finding()
    claim, method = f.claim.render(lang), f.method.render(lang)
    assert "Oppdal" in claim and "{" not in claim and "{" not in method
    assert {"nb": "okt", "sv": "okt", "en": "Oct"}[lang] in claim.lower() or "Oct" in claim
    assert {"nb": "overnatting", "sv": "boende", "en": "accommodation"}[lang] in method.lower()


def test_check_evidence_marks_gone_rows_stale_and_keeps_them():
    f = _finding()
    checked = check_evidence(f, {"member:1", "note:3/business_model/n1"})
    stale = {e.source: e.stale for e in checked.evidence}
    assert stale == {"member": False, "offer": True, "note": False, "reference": False}
    assert len(checked.evidence) == len(f.evidence)
    assert json.loads(checked.to_json())["evidence"][1]["stale"] is True
    everything = check_evidence(f, set())
    assert all(e.stale for e in everything.evidence if e.source != "reference")
    assert everything.confidence == "low"


def test_confidence_follows_its_rule():
    rows = [Evidence.of("member", {"member": i}) for i in (1, 2, 3)]
    holds = Assumption("idle_share", 0.5, 0.4, 0.6, True, True)
    fails = Assumption("idle_share", 0.5, 0.4, 0.6, True, False)
    assert confidence(rows, [holds]) == "high"
    assert confidence(rows[:2], [holds]) == "medium"
    assert confidence(rows[:1], []) == "low"
    assert confidence(rows, [fails]) == "medium"
    assert confidence(rows, [fails, fails, fails]) == "low"
    assert confidence([Evidence.of("reference", {"table": "x"}, source_name="s", year=2020)], []) == "low"


def test_an_option_sums_its_consequences():
    totals = _finding().options[0].totals()
    assert totals == {"capacity": 910, "cost": 0, "hours": 0, "members": 2}


def test_an_unknown_source_is_refused():
    with pytest.raises(ValueError, match="source is one of"):
        Evidence.of("rumour", {"member": 1})
