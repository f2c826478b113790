import pytest

from klynge.errors import ValidationError
from klynge.model import CanvasDocument, Note, Package, SdgAssessment, SdgEntry
from klynge.validation import validate


def test_note_longer_than_limit_names_the_limit():
    with pytest.raises(ValidationError) as info:
        validate(Note, {"id": "n1", "block": "key_partners", "text": "x" * 10_000}, "en")
    assert info.value.problems == [("Text", "can have at most 2,000 characters (now 10,000)")]


def test_empty_note_is_allowed_and_hostile_text_is_kept_as_text():
    assert validate(Note, {"id": "n1", "block": "channels"}).text == ""
    text = '<img src=x onerror="window.pwned=1"> <svg onload=alert(1)> javascript:alert(1)'
    assert validate(Note, {"id": "n1", "block": "channels", "text": text}).text == text


def test_note_ids_and_tags():
    with pytest.raises(ValidationError):
        validate(Note, {"id": "a b", "block": "channels"})
    with pytest.raises(ValidationError) as info:
        validate(Note, {"id": "n", "block": "channels", "sdg_targets": ["8.9", "18.1"]}, "en")
    assert info.value.problems[0][0] == "SDG targets › item 2"
    note = validate(Note, {"id": "n", "block": "channels", "sdg_targets": ["12.b"], "months": [11, 10]})
    assert note.months == [10, 11]


def test_canvas_ids_are_unique_and_items_round_trip():
    notes = [Note(id="a", block="channels", text="web"), Note(id="b", block="channels", order=1)]
    doc = CanvasDocument(template="business_model", notes=notes)
    assert CanvasDocument.from_items("business_model", doc.items()) == doc
    with pytest.raises(ValidationError):
        validate(CanvasDocument, {"template": "business_model", "notes": [n.model_dump() for n in notes * 2]})


def test_sdg_entry_bounds():
    for bad in ({"relevance": 4}, {"impact": -3}, {"impact": 3}, {"relevance": -1}):
        with pytest.raises(ValidationError):
            validate(SdgEntry, {"target": "8.9", **bad})
    entry = validate(SdgEntry, {"target": "8.9", "relevance": 3, "impact": -2, "evidence": "Diesel boat"})
    assert SdgAssessment.from_items(SdgAssessment(entries=[entry]).items()).entries == [entry]


def test_sdg_targets_sort_by_goal_then_target():
    doc = SdgAssessment.from_items({t: {} for t in ["12.b", "8.9", "12.10", "12.1"]})
    assert [e.target for e in doc.entries] == ["8.9", "12.1", "12.10", "12.b"]


def test_a_ready_package_spans_two_organisations():
    comp = [{"offer_id": 1, "organisation_id": 1}, {"offer_id": 2, "organisation_id": 1}]
    assert validate(Package, {"title": "Pilegrim", "components": comp}).status == "draft"
    with pytest.raises(ValidationError) as info:
        validate(Package, {"title": "Pilegrim", "components": comp, "status": "ready", "months": [9]}, "nb")
    assert "to organisasjoner" in info.value.problems[0][1]
    comp[1]["organisation_id"] = 2
    pkg = validate(Package, {"title": "Pilegrim", "components": comp, "status": "ready", "months": [9]})
    assert Package.from_items(pkg.items()) == pkg


@pytest.mark.parametrize(("value", "usable"), [
    ("n1", True), ("a" * 40, True), ("A_b-9", True),
    ("", False), ("a" * 41, False), ("n 1", False), ("<img>", False), ("nø", False), (7, False),
])
def test_the_note_id_rule_is_one_rule_for_the_model_and_the_board(value, usable):
    from klynge.model.canvas import is_note_id

    assert is_note_id(value) is usable
    assert not is_note_id("n1\n")  # Python's `$` alone would let a final newline through
    made = {"id": value, "block": "b"}
    if usable:
        assert validate(Note, made).id == value
    else:
        with pytest.raises(ValidationError):
            validate(Note, made)
